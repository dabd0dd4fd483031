// A project's failed jobs, each with the last line of its log: a first program with the client
// openapi-typescript and openapi-fetch make from the contract. Set GITLAB_URL, GITLAB_TOKEN and
// GITLAB_PROJECT (an id, or a path such as group/project).
import createClient from "openapi-fetch";
import type { paths } from "./gitlab-jobs";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
};

// The contract's paths start after /api/v4; GitLab reads a personal token from PRIVATE-TOKEN.
const gitlab = createClient<paths>({
  baseUrl: env("GITLAB_URL").replace(/(\/api\/v4)?\/*$/, "/api/v4"),
  headers: { "PRIVATE-TOKEN": env("GITLAB_TOKEN") },
});
const project = env("GITLAB_PROJECT");

async function main(): Promise<void> {
  let failed = 0;
  // Every page, not only the first: X-Next-Page is empty on the last one.
  for (let page = 1; page > 0; ) {
    const { data: jobs, error, response } = await gitlab.GET("/projects/{id}/jobs", {
      params: { path: { id: project }, query: { "scope[]": ["failed"], per_page: 100, page } },
    });
    if (!jobs) throw new Error(`listing failed jobs: ${response.status} ${JSON.stringify(error)}`);
    for (const job of jobs) {
      failed += 1;
      // A log is text: without parseAs, openapi-fetch reads the body as JSON and throws.
      const { data: log } = await gitlab.GET("/projects/{id}/jobs/{job_id}/trace", {
        params: { path: { id: project, job_id: job.id } },
        parseAs: "text",
      });
      // A log holds the server's bytes: its colours and other control characters stay out of
      // the terminal.
      const text = (log ?? "").replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/[\x00-\x09\x0b-\x1f\x7f]/g, "");
      const last = text.trimEnd().split("\n").at(-1);
      console.log(`${job.id} ${job.stage}/${job.name} (${job.failure_reason ?? "no reason"}): ${last}`);
    }
    page = Number(response.headers.get("x-next-page")) || 0;
  }
  console.log(`${failed} failed jobs`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
