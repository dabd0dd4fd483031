"""python-gitlab, unmodified and as its users write it, against the sandbox (run by .ci/peers).

Every check runs the library's usual code: no `lazy=True`, and the `gitlab` CLI without
`--skip-login`. Any warning python-gitlab raises (such as a base URL that differs from the
one the server answers with) fails the run.

Usage: python_gitlab.py <api url> <job token> <jobs in acme/platform/api> <the sandbox's GitLab version>
"""

import io
import json
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import gitlab
from gitlab import exceptions

warnings.simplefilter("error")

API_URL, JOB_TOKEN, JOBS, VERSION = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
URL = API_URL.removesuffix("/api/v4")
ROOT, REPORTER, READ_API = "glpat-sandbox-root", "glpat-sandbox-reporter", "glpat-sandbox-read-api"
checks = 0


def check(condition, what):
    global checks
    if not condition:
        sys.exit(f"FAILED: {what}")
    checks += 1
    print(f"ok {checks}: {what}")


def refused(call, error, status, message):
    try:
        call()
    except error as err:
        check(
            err.response_code == status and message in str(err.error_message),
            f"{error.__name__} {status} {message!r} (got {err.response_code} {err.error_message!r})",
        )
        return
    sys.exit(f"FAILED: expected {error.__name__} {status}")


gl = gitlab.Gitlab(URL, private_token=ROOT)
gl.auth()
check(gl.user.username == "root", "gl.auth() reads the token's user")
version, revision = gl.version()
check(version == VERSION and revision != "unknown", f"gl.version() is {version}, the sandbox's")

project = gl.projects.get("acme/platform/api")
check(project.id == 1, "gl.projects.get(path) finds the project by its path")

# Lists: offset, keyset and scopes.
offset = project.jobs.list(get_all=True, per_page=30)
keyset = list(
    project.jobs.list(iterator=True, pagination="keyset", order_by="id", sort="desc", per_page=30)
)
ids = [job.id for job in offset]
check(len(ids) == JOBS and ids == sorted(set(ids), reverse=True), f"offset pages list {JOBS} jobs once, newest first")
check([job.id for job in keyset] == ids, "keyset pages list the same jobs")
scoped = project.jobs.list(scope=["failed", "canceled"], get_all=True)
check(scoped and all(job.status in ("failed", "canceled") for job in scoped), "scope=[...] filters by status")

# One job: get, refresh, log.
done = next(job for job in offset if job.status == "success")
job = project.jobs.get(done.id)
job.refresh()
check(job.id == done.id and job.status == "success", "jobs.get and refresh")
whole = job.trace()
parts = []
job.trace(streamed=True, action=parts.append)
check(whole and b"".join(parts) == whole, "the log, whole and streamed")

# Actions.
pending = project.jobs.get(next(j.id for j in offset if j.status == "pending"))
answer = pending.cancel()
pending.refresh()
check(answer["status"] == "canceled" and pending.status == "canceled", "cancel")
failed = project.jobs.get(next(j.id for j in scoped if j.status == "failed"))
new = failed.retry()
check(new["id"] > failed.id and new["status"] == "pending", "retry answers the new job")
refused(failed.retry, exceptions.GitlabJobRetryError, 403, "Job is not retryable")
erasable = project.jobs.get(
    next(j.id for j in offset if j.status == "success" and j.artifacts and j.id != done.id)
)
erasable.erase()
erasable.refresh()
check(erasable.erased_at is not None, "erase")
refused(erasable.erase, exceptions.GitlabJobEraseError, 403, "Job is not erasable!")
manual = project.jobs.get(next(j.id for j in offset if j.status == "manual"))
manual.play()
check(manual.status == "pending", "play")
refused(manual.play, exceptions.GitlabJobPlayError, 400, "Unplayable Job")

# Artifacts: the archive whole and streamed, one file of it, by job and by ref; keep.
archive = job.artifacts()
parts = []
job.artifacts(streamed=True, action=parts.append)
check(archive[:4] == b"PK\x03\x04" and b"".join(parts) == archive, "job.artifacts(), whole and streamed")
zipped = zipfile.ZipFile(io.BytesIO(archive))
text = next(name for name in zipped.namelist() if name.endswith(".txt"))
check(job.artifact(text) == zipped.read(text), "job.artifact(path): one file of the archive")
job.keep_artifacts()
job.refresh()
check(job.artifacts_expire_at is None, "job.keep_artifacts()")
newest_main = max(
    (j for j in offset if j.ref == "main" and j.pipeline["status"] == "success"), key=lambda j: j.pipeline["id"]
)
of_ref = next(
    j for j in offset
    if j.pipeline["id"] == newest_main.pipeline["id"] and j.status == "success" and getattr(j, "artifacts_file", None)
)
by_ref = project.artifacts.download(ref_name="main", job=of_ref.name)
check(by_ref == project.jobs.get(of_ref.id).artifacts(), "project.artifacts.download(ref_name, job)")
ref_text = next(name for name in zipfile.ZipFile(io.BytesIO(by_ref)).namelist() if name.endswith(".txt"))
check(
    project.artifacts.raw("main", ref_text, of_ref.name) == zipfile.ZipFile(io.BytesIO(by_ref)).read(ref_text),
    "project.artifacts.raw(ref_name, path, job)",
)

# A pipeline, its jobs and its trigger jobs.
pipeline = project.pipelines.get(offset[0].pipeline["id"])
check(pipeline.id == offset[0].pipeline["id"], "project.pipelines.get(id)")
jobs = pipeline.jobs.list(get_all=True)
with_retried = pipeline.jobs.list(get_all=True, include_retried=True)
check(jobs and len(with_retried) >= len(jobs), "pipeline.jobs.list, with and without retried jobs")
pipeline_ids = sorted({j.pipeline["id"] for j in offset}, reverse=True)
all_bridges = [b for pid in pipeline_ids for b in project.pipelines.get(pid).bridges.list(get_all=True)]
check(all_bridges and all("downstream_pipeline" in b.attributes for b in all_bridges), "pipeline.bridges.list")
scoped_bridges = [
    b for pid in pipeline_ids for b in project.pipelines.get(pid).bridges.list(get_all=True, scope=["success"])
]
check(scoped_bridges and all(b.status == "success" for b in scoped_bridges), "pipeline.bridges.list(scope=[...])")
manual_bridge = next((b for b in all_bridges if b.status == "manual"), None)
check(manual_bridge is not None, "a manual trigger job to play")
played = gl.http_post(f"/projects/1/jobs/{manual_bridge.id}/play")
check("downstream_pipeline" in played and played["status"] == "pending", "play of a trigger job answers a bridge")

# Job-token routes.
gl_job = gitlab.Gitlab(URL, job_token=JOB_TOKEN)
own = gl_job.http_get("/job")
check(f"glcbt-sandbox-{own['id']}" == JOB_TOKEN, "GET /job with the job token")
agents = gl_job.http_get("/job/allowed_agents")
check(agents["job"]["id"] == own["id"], "GET /job/allowed_agents")
listed = gl_job.http_list(f"/projects/1/pipelines/{own['pipeline']['id']}/jobs", get_all=True)
check(any(j["id"] == own["id"] for j in listed), "a job token lists its pipeline's jobs")
check(len(gl_job.http_list("/projects/1/jobs", get_all=True)) >= JOBS, "a job token lists the project's jobs")

# A public project without a token.
anonymous = gitlab.Gitlab(URL)
website = anonymous.projects.get("acme/website")
downstream = website.pipelines.get(scoped_bridges[0].downstream_pipeline["id"])
check(downstream.jobs.list(get_all=True), "a public project's pipeline and its jobs, anonymously")

# GitLab's errors, as python-gitlab raises them.
refused(lambda: gl.projects.get("no/such"), exceptions.GitlabGetError, 404, "404 Project Not Found")
refused(lambda: project.jobs.get(999999), exceptions.GitlabGetError, 404, "404 Not found")
refused(lambda: project.jobs.list(scope=["bogus"], get_all=True), exceptions.GitlabListError, 400, "scope does not have a valid value")
refused(gitlab.Gitlab(URL, private_token="glpat-wrong").auth, exceptions.GitlabAuthenticationError, 401, "401 Unauthorized")
as_reporter = gitlab.Gitlab(URL, private_token=REPORTER).projects.get(1)
target = next(j.id for j in offset if j.status == "running" and f"glcbt-sandbox-{j.id}" != JOB_TOKEN)
refused(lambda: as_reporter.jobs.get(target).cancel(), exceptions.GitlabJobCancelError, 403, "403 Forbidden")
read_only = gitlab.Gitlab(URL, private_token=READ_API).projects.get(1)
refused(lambda: read_only.jobs.get(target).cancel(), exceptions.GitlabJobCancelError, 403, "insufficient_scope")

# Its CLI, which checks the token with GET /user first.
cli = [str(Path(sys.executable).with_name("gitlab")), "--server-url", URL, "--private-token", ROOT, "-o", "json"]


def run(*args, expect=0):
    # Bytes, not text: a log's carriage returns would read as newlines.
    done = subprocess.run(cli + list(args), capture_output=True, timeout=60)
    stderr = done.stderr.decode(errors="replace").strip()[:200]
    check(done.returncode == expect, f"gitlab {' '.join(args)} exits {expect} ({stderr})")
    return done.stdout


check(json.loads(run("current-user", "get"))["username"] == "root", "the CLI's current user")
check(json.loads(run("project", "get", "--id", "acme/platform/api"))["id"] == 1, "the CLI finds a project by path")
cli_jobs = json.loads(run("project-job", "list", "--project-id", "1", "--scope", "failed", "--get-all"))
check(cli_jobs and {j["status"] for j in cli_jobs} == {"failed"}, "the CLI lists failed jobs")
printed = run("project-job", "trace", "--project-id", "1", "--id", str(done.id))
check(printed in (whole, whole + b"\n"), "the CLI prints a log")
cli_pipeline_jobs = json.loads(
    run("project-pipeline-job", "list", "--project-id", "1", "--pipeline-id", str(pipeline.id), "--get-all")
)
check(
    sorted(j["id"] for j in cli_pipeline_jobs) == sorted(j.id for j in jobs),
    "the CLI lists a pipeline's jobs",
)
run("project-job", "get", "--project-id", "1", "--id", "999999", expect=1)
check(run("project-job", "artifacts", "--project-id", "1", "--id", str(done.id)) == archive, "the CLI writes the archive")

# Deleting: a job's artifacts, then the project's, which keeps each ref's newest.
job.delete_artifacts()
job.refresh()
check(getattr(job, "artifacts_file", None) is None, "job.delete_artifacts()")
project.artifacts.delete()
check(project.artifacts.download(ref_name="main", job=of_ref.name) == by_ref, "project.artifacts.delete() keeps main's newest")

print(f"{checks} passed, 0 failed")
