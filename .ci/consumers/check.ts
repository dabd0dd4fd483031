// A TypeScript client, generated from openapi/openapi.yaml by openapi-typescript and called with
// openapi-fetch as a consuming team would, against the sandbox (run by .ci/consumers/run).
// `tsc --strict` checks it against the generated types before it runs.
//
// Environment: PLAIN_URL (a sandbox with --future-values, no rate limit), LIMITED_URL (one
// project-job-list request a minute), THROTTLED_URL (--rate-limited 1), STORED_URL
// (--artifacts-storage redirect), JOB_TOKEN (of PLAIN).

import createClient from "openapi-fetch";
import type { components, paths } from "./gitlab-jobs";

type Job = components["schemas"]["Job"];
type Bridge = components["schemas"]["Bridge"];
type ApiError = components["schemas"]["ApiError"];

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const ROOT = "glpat-sandbox-root";
const client = (url: string, headers: Record<string, string> = { "PRIVATE-TOKEN": ROOT }) =>
  createClient<paths>({ baseUrl: env(url), headers });
const gitlab = client("PLAIN_URL");

let passed = 0;
function check(condition: unknown, what: string): asserts condition {
  if (!condition) {
    console.error(`FAILED: ${what}`);
    process.exit(1);
  }
  passed += 1;
  console.log(`ok ${passed}: ${what}`);
}

/** Which of GitLab's error bodies `error` is. */
function variant(error: ApiError | string | undefined): string {
  if (typeof error === "string") return "text";
  if (error === undefined) return "none";
  if ("error" in error) return "ErrorBody";
  return typeof error.message === "string" ? "MessageBody" : "RateLimitBody";
}

/** The `cursor` of the `rel="next"` link, if there is one. */
function nextCursor(link: string | null): string | undefined {
  const next = (link ?? "").split(",").find((part) => /rel="?next"?/.test(part));
  const url = next?.match(/<([^>]+)>/)?.[1];
  return url ? new URL(url).searchParams.get("cursor") ?? undefined : undefined;
}

async function main(): Promise<void> {
  // The project job list to its end: by offset, then by cursor, with a path-encoded project.
  const offsetPage = async (page: number): Promise<[Job[], number | undefined]> => {
    const { data, response } = await gitlab.GET("/projects/{id}/jobs", {
      params: { path: { id: "acme/platform/api" }, query: { page, per_page: 100 } },
    });
    check(data, `offset page ${page}`);
    return [data, Number(response.headers.get("x-next-page")) || undefined];
  };
  const byOffset: Job[] = [];
  for (let page: number | undefined = 1; page !== undefined; ) {
    const [jobs, next] = await offsetPage(page);
    byOffset.push(...jobs);
    page = next;
  }
  const cursorPage = async (cursor?: string): Promise<[Job[], string | undefined]> => {
    const { data, response } = await gitlab.GET("/projects/{id}/jobs", {
      params: { path: { id: "1" }, query: { pagination: "keyset", per_page: 100, cursor } },
    });
    check(data, `keyset page after ${cursor ?? "the start"}`);
    return [data, nextCursor(response.headers.get("link"))];
  };
  const byCursor: Job[] = [];
  let cursor: string | undefined;
  do {
    const [jobs, next] = await cursorPage(cursor);
    byCursor.push(...jobs);
    cursor = next;
  } while (cursor !== undefined);
  const ids = byOffset.map((job) => job.id);
  check(new Set(ids).size === ids.length && ids.length > 100, `${ids.length} jobs by offset, each once`);
  check(JSON.stringify(byCursor.map((job) => job.id)) === JSON.stringify(ids), "the same jobs by cursor");

  // Values GitLab adds later arrive as plain strings, and whole pages still read.
  check(byOffset.some((job) => job.status === "sandbox_future_status"), "an unknown job status is kept");
  check(
    byOffset.some((job) => job.failure_reason === "sandbox_future_failure_reason"),
    "an unknown failure reason is kept",
  );
  check(
    byOffset.some((job) => job.artifacts.some((a) => a.file_type === "sandbox_future_report")),
    "an unknown artifact type is kept",
  );
  check(byOffset.some((job) => job.pipeline.source === "sandbox_future_source"), "an unknown pipeline source is kept");
  check(
    byOffset.some((job) => job.runner?.runner_type === "sandbox_future_runner_type"),
    "an unknown runner type is kept",
  );

  // scope[] goes out as GitLab reads it.
  const { data: failed } = await gitlab.GET("/projects/{id}/jobs", {
    params: { path: { id: "1" }, query: { "scope[]": ["failed", "canceled"], per_page: 100 } },
  });
  check(failed?.length && failed.every((job) => ["failed", "canceled"].includes(job.status)), "scope[] filters");

  // A pipeline's jobs and trigger jobs.
  const pipelineIds = [...new Set(byOffset.map((job) => job.pipeline.id))];
  const { data: pipelineJobs, response: pipelineAnswer } = await gitlab.GET(
    "/projects/{id}/pipelines/{pipeline_id}/jobs",
    { params: { path: { id: "1", pipeline_id: pipelineIds[0] }, query: { include_retried: true } } },
  );
  check(pipelineJobs?.length && pipelineAnswer.headers.get("x-total"), "a pipeline's jobs, with totals");
  const bridges: Bridge[] = [];
  for (const pipeline_id of pipelineIds) {
    const { data } = await gitlab.GET("/projects/{id}/pipelines/{pipeline_id}/bridges", {
      params: { path: { id: "1", pipeline_id }, query: { "scope[]": ["success", "manual"] } },
    });
    bridges.push(...(data ?? []));
  }
  check(bridges.length && bridges.every((b) => "downstream_pipeline" in b), "a pipeline's trigger jobs");
  const { data: triggerJobs } = await gitlab.GET("/projects/{id}/pipelines/{pipeline_id}/trigger_jobs", {
    params: { path: { id: "1", pipeline_id: bridges[0].pipeline.id } },
  });
  check(
    triggerJobs?.length && triggerJobs.every((b) => "downstream_pipeline" in b),
    "the trigger_jobs route (GitLab 19.2)",
  );

  // The job-token routes.
  const asJob = client("PLAIN_URL", { "JOB-TOKEN": env("JOB_TOKEN") });
  const { data: own } = await asJob.GET("/job");
  check(own && `glcbt-sandbox-${own.id}` === env("JOB_TOKEN"), "GET /job with a job token");
  const { data: agents } = await asJob.GET("/job/allowed_agents");
  check(agents?.job.id === own.id && agents.allowed_agents.length > 0, "GET /job/allowed_agents");

  // One job and its log, as text.
  const done = byOffset.find((job) => job.status === "success" && job.artifacts.length);
  check(done, "a finished job");
  const { data: job } = await gitlab.GET("/projects/{id}/jobs/{job_id}", {
    params: { path: { id: "1", job_id: done.id } },
  });
  check(job?.id === done.id, "GET a job");
  const { data: log } = await gitlab.GET("/projects/{id}/jobs/{job_id}/trace", {
    params: { path: { id: "1", job_id: done.id } },
    parseAs: "text",
  });
  check(typeof log === "string" && log.includes("Job succeeded"), "the log as text");

  // Every action.
  const pending = byOffset.find((j) => j.status === "pending");
  check(pending, "a pending job");
  const { data: canceled, response: cancelAnswer } = await gitlab.POST("/projects/{id}/jobs/{job_id}/cancel", {
    params: { path: { id: "1", job_id: pending.id } },
  });
  check(cancelAnswer.status === 201 && canceled?.status === "canceled", "cancel");
  const failedJob = byOffset.find((j) => j.status === "failed");
  check(failedJob, "a failed job");
  const { data: retried } = await gitlab.POST("/projects/{id}/jobs/{job_id}/retry", {
    params: { path: { id: "1", job_id: failedJob.id } },
  });
  check(retried && retried.id > failedJob.id, "retry answers the new job");
  const { error: again, response: againAnswer } = await gitlab.POST("/projects/{id}/jobs/{job_id}/retry", {
    params: { path: { id: "1", job_id: failedJob.id } },
  });
  check(againAnswer.status === 403 && variant(again) === "MessageBody", "a second retry: 403 MessageBody");
  const erasable = byOffset.find((j) => j.status === "success" && j.artifacts.length && j.id !== done.id);
  check(erasable, "an erasable job");
  const { data: erased } = await gitlab.POST("/projects/{id}/jobs/{job_id}/erase", {
    params: { path: { id: "1", job_id: erasable.id } },
  });
  check(erased?.erased_at, "erase");
  const manual = byOffset.find((j) => j.status === "manual");
  check(manual, "a manual job");
  const { data: played } = await gitlab.POST("/projects/{id}/jobs/{job_id}/play", {
    params: { path: { id: "1", job_id: manual.id } },
    body: { job_variables_attributes: [{ key: "DEPLOY", value: "yes" }] },
  });
  check(played && !("downstream_pipeline" in played) && played.status === "pending", "play answers a Job");
  const manualBridge = bridges.find((b) => b.status === "manual");
  check(manualBridge, "a manual trigger job");
  const { data: playedBridge } = await gitlab.POST("/projects/{id}/jobs/{job_id}/play", {
    params: { path: { id: "1", job_id: manualBridge.id } },
  });
  check(playedBridge && "downstream_pipeline" in playedBridge, "play answers a Bridge");

  // GitLab's error bodies, each as its variant.
  const { error: e400, response: r400 } = await gitlab.GET("/projects/{id}/jobs", {
    params: { path: { id: "1" }, query: { per_page: 0 } },
  });
  check(r400.status === 400 && variant(e400) === "ErrorBody", "400: ErrorBody");
  const { error: text400, response: t400 } = await gitlab.GET("/projects/{id}/jobs", {
    params: { path: { id: "1\u0000" } },
  });
  check(t400.status === 400 && text400 === "Bad Request", "400: Bad Request as text");
  const { error: e401, response: r401 } = await client("PLAIN_URL", { "PRIVATE-TOKEN": "nope" }).GET(
    "/projects/{id}/jobs/{job_id}",
    { params: { path: { id: "1", job_id: done.id } } },
  );
  check(r401.status === 401 && variant(e401) === "MessageBody", "401: MessageBody");
  const { error: e403, response: r403 } = await client("PLAIN_URL", { "PRIVATE-TOKEN": "glpat-sandbox-reporter" }).POST(
    "/projects/{id}/jobs/{job_id}/cancel",
    { params: { path: { id: "1", job_id: done.id } } },
  );
  check(r403.status === 403 && variant(e403) === "MessageBody", "403: MessageBody");
  const { error: e404, response: r404 } = await gitlab.GET("/projects/{id}/jobs/{job_id}", {
    params: { path: { id: "no/such", job_id: 1 } },
  });
  check(r404.status === 404 && variant(e404) === "MessageBody", "404: MessageBody");
  const limited = client("LIMITED_URL");
  await limited.GET("/projects/{id}/jobs", { params: { path: { id: "1" } } });
  const { error: e429, response: r429 } = await limited.GET("/projects/{id}/jobs", { params: { path: { id: "1" } } });
  check(r429.status === 429 && variant(e429) === "RateLimitBody", "429: RateLimitBody");
  const { error: t429, response: rt429 } = await client("THROTTLED_URL").GET("/job", {});
  check(
    rt429.status === 429 && t429 === "Retry later\n" && rt429.headers.get("retry-after"),
    "429 from a throttle: text and Retry-After",
  );

  // Artifacts: the archive by job and by ref, and one file of it, which the sandbox's archive
  // holds stored (uncompressed), so its bytes are found in the archive's.
  const { data: archive, response: archiveAnswer } = await gitlab.GET("/projects/{id}/jobs/{job_id}/artifacts", {
    params: { path: { id: "1", job_id: done.id } },
    parseAs: "arrayBuffer",
  });
  check(
    archive && archive.byteLength === done.artifacts_file?.size && archiveAnswer.headers.get("etag"),
    "the archive, as many bytes as the job says, with its ETag",
  );
  const zip = Buffer.from(archive);
  check(zip.subarray(0, 4).toString("latin1") === "PK\x03\x04", "a zip archive");
  const { data: entries } = await gitlab.GET("/projects/{id}/jobs/{job_id}/artifacts/tree", {
    params: { path: { id: "1", job_id: done.id }, query: { recursive: true, per_page: 100 } },
  });
  const text = entries?.find((entry) => entry.path.endsWith(".txt"));
  check(text && entries?.some((entry) => entry.type === "directory"), "the browser lists files and directories");
  const { data: file } = await gitlab.GET("/projects/{id}/jobs/{job_id}/artifacts/{artifact_path}", {
    params: { path: { id: "1", job_id: done.id, artifact_path: text.path } },
    parseAs: "arrayBuffer",
  });
  check(file && file.byteLength === text.size && zip.includes(Buffer.from(file)), "one file, the archive's bytes");
  // fetch, like httpx, keeps PRIVATE-TOKEN on a redirect to another origin: the 302 is read
  // (redirect: "manual") and its Location fetched without credentials.
  const stored = await client("STORED_URL").GET("/projects/{id}/jobs/{job_id}/artifacts", {
    params: { path: { id: "1", job_id: done.id } },
    parseAs: "stream",
    redirect: "manual",
  });
  const location = stored.response.headers.get("location");
  check(stored.response.status === 302 && location, "302 to object storage");
  const fromStorage = Buffer.from(await (await fetch(location)).arrayBuffer());
  check(fromStorage.equals(zip), "the archive from storage, fetched without credentials");

  console.log(`${passed} passed, 0 failed`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
