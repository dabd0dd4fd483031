"""A Python client, generated from openapi/openapi.yaml by openapi-python-client and called as a
consuming team would, against the sandbox (run by .ci/consumers/run).

Environment: PLAIN_URL (a sandbox with --future-values, no rate limit), LIMITED_URL (one
project-job-list request a minute), THROTTLED_URL (--rate-limited 1), STORED_URL
(--artifacts-storage redirect), JOB_TOKEN (of PLAIN).
"""

import io
import json
import os
import re
import sys
import zipfile
from urllib.parse import parse_qs, urlparse

import httpx

from git_lab_jobs_api_client import AuthenticatedClient, Client
from git_lab_jobs_api_client.api.job_artifacts import (
    download_job_artifacts,
    download_ref_artifacts,
    get_job_artifact_file,
    list_job_artifact_entries,
)
from git_lab_jobs_api_client.api.jobs import (
    cancel_job,
    erase_job,
    get_allowed_agents,
    get_job,
    get_job_by_token,
    get_job_log,
    list_pipeline_bridges,
    list_pipeline_jobs,
    list_pipeline_trigger_jobs,
    list_project_jobs,
    play_job,
    retry_job,
)
from git_lab_jobs_api_client.models import (
    Bridge,
    ErrorBody,
    Job,
    JobScope,
    JobVariableAttributes,
    KnownJobStatus,
    MessageBody,
    PaginationMode,
    PlayJobRequest,
    RateLimitBody,
)

ROOT = "glpat-sandbox-root"
passed = 0


def check(condition, what):
    global passed
    if not condition:
        sys.exit(f"FAILED: {what}")
    passed += 1
    print(f"ok {passed}: {what}")


def client(url_name, token=ROOT, header="PRIVATE-TOKEN"):
    return AuthenticatedClient(
        base_url=os.environ[url_name], token=token, prefix="", auth_header_name=header
    )


gitlab = client("PLAIN_URL")


def status_value(status):
    """A job status as its string, known or not."""
    return status.value if isinstance(status, KnownJobStatus) else status


# The project job list to its end: by offset, then by cursor, with a path-encoded project.
by_offset, page = [], 1
while page:
    answer = list_project_jobs.sync_detailed("acme/platform/api", client=gitlab, page=page, per_page=100)
    check(answer.status_code == 200 and isinstance(answer.parsed, list), f"offset page {page}")
    by_offset += answer.parsed
    page = int(answer.headers.get("x-next-page") or 0)
by_cursor, cursor = [], None
while True:
    kwargs = {"cursor": cursor} if cursor else {}
    answer = list_project_jobs.sync_detailed(
        "1", client=gitlab, pagination=PaginationMode.KEYSET, per_page=100, **kwargs
    )
    check(answer.status_code == 200, f"keyset page after {cursor or 'the start'}")
    by_cursor += answer.parsed
    link = re.search(r'<([^>]+)>;\s*rel="next"', answer.headers.get("link", ""))
    if not link:
        break
    cursor = parse_qs(urlparse(link.group(1)).query)["cursor"][0]
ids = [job.id for job in by_offset]
check(len(set(ids)) == len(ids) > 100, f"{len(ids)} jobs by offset, each once")
check([job.id for job in by_cursor] == ids, "the same jobs by cursor")

# Values GitLab adds later parse into plain strings; whole pages still read.
check(any(job.status == "sandbox_future_status" for job in by_offset), "an unknown job status is kept")
check(
    any(job.failure_reason == "sandbox_future_failure_reason" for job in by_offset),
    "an unknown failure reason is kept",
)
check(
    any(a.file_type == "sandbox_future_report" for job in by_offset for a in job.artifacts),
    "an unknown artifact type is kept",
)
check(any(job.pipeline.source == "sandbox_future_source" for job in by_offset), "an unknown pipeline source is kept")
check(
    any(job.runner and job.runner.runner_type == "sandbox_future_runner_type" for job in by_offset),
    "an unknown runner type is kept",
)
check(json.dumps([job.to_dict() for job in by_offset]).count("sandbox_future_") >= 5, "and written back as sent")

# scope[] goes out as GitLab reads it.
scoped = list_project_jobs.sync_detailed(
    "1", client=gitlab, scope=[JobScope.FAILED, JobScope.CANCELED], per_page=100
).parsed
check(scoped and {status_value(job.status) for job in scoped} <= {"failed", "canceled"}, "scope[] filters")

# A pipeline's jobs and trigger jobs.
pipeline_ids = sorted({job.pipeline.id for job in by_offset}, reverse=True)
answer = list_pipeline_jobs.sync_detailed("1", pipeline_ids[0], client=gitlab, include_retried=True)
check(answer.parsed and answer.headers.get("x-total"), "a pipeline's jobs, with totals")
bridges = [
    bridge
    for pipeline_id in pipeline_ids
    for bridge in list_pipeline_bridges.sync_detailed(
        "1", pipeline_id, client=gitlab, scope=[JobScope.SUCCESS, JobScope.MANUAL]
    ).parsed
]
check(bridges and all(isinstance(b, Bridge) for b in bridges), "a pipeline's trigger jobs")
trigger_jobs = list_pipeline_trigger_jobs.sync_detailed(
    "1", bridges[0].pipeline.id, client=gitlab
).parsed
check(trigger_jobs and all(isinstance(b, Bridge) for b in trigger_jobs), "the trigger_jobs route (GitLab 19.2)")

# The job-token routes.
as_job = client("PLAIN_URL", os.environ["JOB_TOKEN"], "JOB-TOKEN")
own = get_job_by_token.sync_detailed(client=as_job).parsed
check(isinstance(own, Job) and f"glcbt-sandbox-{own.id}" == os.environ["JOB_TOKEN"], "GET /job with a job token")
agents = get_allowed_agents.sync_detailed(client=as_job).parsed
check(agents.job.id == own.id and agents.allowed_agents, "GET /job/allowed_agents")

# One job, and its log as text.
done = next(job for job in by_offset if status_value(job.status) == "success" and job.artifacts)
check(get_job.sync_detailed("1", done.id, client=gitlab).parsed.id == done.id, "GET a job")
log = get_job_log.sync_detailed("1", done.id, client=gitlab).parsed
check(isinstance(log, str) and "Job succeeded" in log, "the log as text")

# Every action.
pending = next(job for job in by_offset if status_value(job.status) == "pending")
canceled = cancel_job.sync_detailed("1", pending.id, client=gitlab)
check(canceled.status_code == 201 and status_value(canceled.parsed.status) == "canceled", "cancel")
failed = next(job for job in by_offset if status_value(job.status) == "failed")
retried = retry_job.sync_detailed("1", failed.id, client=gitlab).parsed
check(isinstance(retried, Job) and retried.id > failed.id, "retry answers the new job")
again = retry_job.sync_detailed("1", failed.id, client=gitlab)
check(again.status_code == 403 and isinstance(again.parsed, MessageBody), "a second retry: 403 MessageBody")
erasable = next(job for job in by_offset if status_value(job.status) == "success" and job.artifacts and job.id != done.id)
erased = erase_job.sync_detailed("1", erasable.id, client=gitlab).parsed
check(erased.erased_at is not None, "erase")
manual = next(job for job in by_offset if status_value(job.status) == "manual")
body = PlayJobRequest(job_variables_attributes=[JobVariableAttributes(key="DEPLOY", value="yes")])
played = play_job.sync_detailed("1", manual.id, client=gitlab, body=body).parsed
check(isinstance(played, Job) and status_value(played.status) == "pending", "play answers a Job")
manual_bridge = next(b for b in bridges if status_value(b.status) == "manual")
played = play_job.sync_detailed("1", manual_bridge.id, client=gitlab).parsed
check(isinstance(played, Bridge), "play answers a Bridge")

# GitLab's error bodies, each into its variant.
answer = list_project_jobs.sync_detailed("1", client=gitlab, per_page=0)
check(answer.status_code == 400 and isinstance(answer.parsed, ErrorBody), "400: ErrorBody")
answer = get_job.sync_detailed("1", done.id, client=client("PLAIN_URL", "nope"))
check(answer.status_code == 401 and isinstance(answer.parsed, MessageBody), "401: MessageBody")
answer = cancel_job.sync_detailed("1", done.id, client=client("PLAIN_URL", "glpat-sandbox-reporter"))
check(answer.status_code == 403 and isinstance(answer.parsed, MessageBody), "403: MessageBody")
answer = get_job.sync_detailed("no/such", 1, client=gitlab)
check(answer.status_code == 404 and isinstance(answer.parsed, MessageBody), "404: MessageBody")
limited = client("LIMITED_URL")
list_project_jobs.sync_detailed("1", client=limited)
answer = list_project_jobs.sync_detailed("1", client=limited)
check(answer.status_code == 429 and isinstance(answer.parsed, RateLimitBody), "429: RateLimitBody, not MessageBody")

# openapi-python-client 0.29.1 reads only the JSON media type of a response: a plain-text error
# body (an instance throttle's `Retry later`, the middleware's `Bad Request`) does not parse.
# With raise_on_unexpected_status off, a caller reads status and headers before parsing.
throttled = Client(base_url=os.environ["THROTTLED_URL"]).get_httpx_client().get("/job")
check(
    throttled.status_code == 429 and throttled.text == "Retry later\n" and throttled.headers.get("retry-after"),
    "429 from a throttle: text and Retry-After, read with the client's httpx client",
)
try:
    get_job_by_token.sync_detailed(client=Client(base_url=os.environ["THROTTLED_URL"]))
    check(False, "a text body parses")
except json.JSONDecodeError:
    check(True, "a text error body raises JSONDecodeError in the generated parser, as documented")

# Artifacts: the archive, its browser and one file of it by job, the archive by ref, and the
# archive through object storage's redirect.
archive = download_job_artifacts.sync_detailed("1", done.id, client=gitlab)
check(
    archive.status_code == 200 and len(archive.content) == done.artifacts_file.size,
    "the archive, as many bytes as the job says",
)
zipped = zipfile.ZipFile(io.BytesIO(archive.content))
entries, page = [], 1
while page:
    answer = list_job_artifact_entries.sync_detailed("1", done.id, client=gitlab, recursive=True, per_page=2, page=page)
    entries += answer.parsed
    page = int(answer.headers.get("x-next-page") or 0)
check(sorted(entry.path for entry in entries) == sorted(zipped.namelist()), "the browser lists the archive, page by page")
text = next(entry.path for entry in entries if entry.path.endswith(".txt"))
one = get_job_artifact_file.sync_detailed("1", done.id, text, client=gitlab)
check(one.status_code == 200 and one.content == zipped.read(text), "one file, the archive's bytes")
newest = max(
    (job for job in by_offset if job.ref == "main" and status_value(job.pipeline.status) == "success"),
    key=lambda job: job.pipeline.id,
)
in_newest = next(
    job for job in by_offset
    if job.pipeline.id == newest.pipeline.id and status_value(job.status) == "success" and job.artifacts_file
)
by_ref = download_ref_artifacts.sync_detailed("1", "main", client=gitlab, job=in_newest.name)
own_archive = download_job_artifacts.sync_detailed("1", in_newest.id, client=gitlab)
check(by_ref.status_code == 200 and by_ref.content == own_archive.content, "by ref: the newest successful job's archive")
# httpx, like fetch, keeps PRIVATE-TOKEN on a redirect to another origin: the generated
# client does not follow redirects, and the 302's Location is fetched without credentials.
redirected = download_job_artifacts.sync_detailed("1", done.id, client=client("STORED_URL"))
location = redirected.headers.get("location", "")
check(redirected.status_code == 302 and urlparse(location).netloc != urlparse(os.environ["STORED_URL"]).netloc, "302 to object storage")
check(httpx.get(location).content == archive.content, "the archive from storage, fetched without credentials")

print(f"{passed} passed, 0 failed")
