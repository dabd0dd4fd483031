// A Java client, generated from openapi/openapi-3.0.yaml by openapi-generator's `native` library
// with the options the README gives, and called as a consuming team would, against the sandbox
// (run by .ci/consumers/run).
//
// Environment: PLAIN_URL (a sandbox with --future-values, no rate limit), LIMITED_URL (one
// project-job-list request a minute), THROTTLED_URL (--rate-limited 1), JOB_TOKEN (of PLAIN).

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gitlabjobs.ApiClient;
import gitlabjobs.ApiException;
import gitlabjobs.ApiResponse;
import gitlabjobs.api.JobsApi;
import gitlabjobs.model.*;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Check {
    static final String ROOT = "glpat-sandbox-root";
    static int passed = 0;

    static void check(boolean condition, String what) {
        if (!condition) {
            System.out.println("FAILED: " + what);
            System.exit(1);
        }
        passed++;
        System.out.println("ok " + passed + ": " + what);
    }

    /** The jobs API at the URL in urlVariable, sending token in header. */
    static JobsApi client(String urlVariable, String token, String header) {
        ApiClient api = new ApiClient();
        api.updateBaseUri(System.getenv(urlVariable));
        api.setRequestInterceptor(request -> request.header(header, token));
        return new JobsApi(api);
    }

    /** A status as its string, known or not. */
    static String status(JobStatus value) {
        Object actual = value.getActualInstance();
        return actual instanceof KnownJobStatus known ? known.getValue() : (String) actual;
    }

    static String unlisted(Object wrapper) {
        if (wrapper == null) {
            return null;
        }
        Object actual;
        if (wrapper instanceof FailureReason v) actual = v.getActualInstance();
        else if (wrapper instanceof ArtifactFileType v) actual = v.getActualInstance();
        else if (wrapper instanceof PipelineSource v) actual = v.getActualInstance();
        else if (wrapper instanceof RunnerType v) actual = v.getActualInstance();
        else throw new IllegalArgumentException("not an open enum: " + wrapper.getClass());
        return actual instanceof String text ? text : null;
    }

    static String header(ApiResponse<?> response, String name) {
        for (Map.Entry<String, List<String>> entry : response.getHeaders().entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) {
                return entry.getValue().get(0);
            }
        }
        return null;
    }

    /** The error a call should have failed with. */
    static ApiException failure(Call call) {
        try {
            call.run();
        } catch (ApiException error) {
            return error;
        }
        check(false, "the call should have failed");
        return null;
    }

    interface Call {
        void run() throws ApiException;
    }

    /** An error body, read by the key that tells its shape (`message` as text or as an object, or `error`). */
    static Object errorBody(ObjectMapper mapper, ApiException error) throws Exception {
        JsonNode body = mapper.readTree(error.getResponseBody());
        if (body.has("error")) return mapper.treeToValue(body, ErrorBody.class);
        if (body.path("message").isObject()) return mapper.treeToValue(body, RateLimitBody.class);
        return mapper.treeToValue(body, MessageBody.class);
    }

    /** Play's answer as what it is: only a bridge has `downstream_pipeline`. */
    static Object played(JsonNode answer, ObjectMapper mapper) throws JsonProcessingException {
        return answer.has("downstream_pipeline")
            ? mapper.treeToValue(answer, Bridge.class)
            : mapper.treeToValue(answer, Job.class);
    }

    public static void main(String[] args) throws Exception {
        JobsApi jobs = client("PLAIN_URL", ROOT, "PRIVATE-TOKEN");
        ObjectMapper mapper = new ApiClient().getObjectMapper();

        // The project job list to its end: by offset, then by cursor, with a path-encoded project.
        List<Job> byOffset = new ArrayList<>();
        for (long page = 1; page != 0; ) {
            ApiResponse<List<Job>> response = jobs.listProjectJobsWithHttpInfo(
                "acme/platform/api", null, null, page, 100L, null, null, null, null);
            check(response.getStatusCode() == 200, "offset page " + page);
            byOffset.addAll(response.getData());
            String next = header(response, "X-Next-Page");
            page = next == null || next.isEmpty() ? 0 : Long.parseLong(next);
        }
        List<Job> byCursor = new ArrayList<>();
        Pattern next = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");
        String cursor = null;
        while (true) {
            ApiResponse<List<Job>> response = jobs.listProjectJobsWithHttpInfo(
                "1", null, null, null, 100L, PaginationMode.KEYSET, null, null, cursor);
            check(response.getStatusCode() == 200, "keyset page after " + (cursor == null ? "the start" : cursor));
            byCursor.addAll(response.getData());
            String link = header(response, "Link");
            Matcher found = next.matcher(link == null ? "" : link);
            if (!found.find()) break;
            cursor = null;
            for (String pair : URI.create(found.group(1)).getRawQuery().split("&")) {
                if (pair.startsWith("cursor=")) cursor = java.net.URLDecoder.decode(pair.substring(7), "UTF-8");
            }
        }
        HashSet<Long> seen = new HashSet<>();
        byOffset.forEach(job -> seen.add(job.getId()));
        check(seen.size() == byOffset.size() && byOffset.size() > 100, byOffset.size() + " jobs by offset, each once");
        boolean same = byCursor.size() == byOffset.size();
        for (int i = 0; same && i < byCursor.size(); i++) same = byCursor.get(i).getId().equals(byOffset.get(i).getId());
        check(same, "the same jobs by cursor");

        // Values GitLab adds later are kept as strings; whole pages still read, and are written
        // back as they came.
        Map<String, Boolean> found = new HashMap<>();
        for (Job job : byOffset) {
            found.merge("status", status(job.getStatus()).equals("sandbox_future_status"), Boolean::logicalOr);
            found.merge("reason", "sandbox_future_failure_reason".equals(unlisted(job.getFailureReason())), Boolean::logicalOr);
            for (JobArtifact artifact : job.getArtifacts()) {
                found.merge("artifact", "sandbox_future_report".equals(unlisted(artifact.getFileType())), Boolean::logicalOr);
            }
            found.merge("source", "sandbox_future_source".equals(unlisted(job.getPipeline().getSource())), Boolean::logicalOr);
            if (job.getRunner() != null) {
                found.merge("runner", "sandbox_future_runner_type".equals(unlisted(job.getRunner().getRunnerType())), Boolean::logicalOr);
            }
        }
        for (String kind : List.of("status", "reason", "artifact", "source", "runner")) {
            check(found.getOrDefault(kind, false), "an unknown " + kind + " value is kept");
        }
        String written = mapper.writeValueAsString(byOffset);
        check(written.split("sandbox_future_", -1).length - 1 >= 5, "and written back as sent");

        // A key GitLab adds later does not stop a job from being read.
        String withNewKey = mapper.writeValueAsString(byOffset.get(0)).replaceFirst("\\{", "{\"sandbox_future_key\":\"x\",");
        check(mapper.readValue(withNewKey, Job.class).getId().equals(byOffset.get(0).getId()), "a job with a key GitLab adds later reads");

        // scope[] goes out as GitLab reads it.
        List<Job> scoped = jobs.listProjectJobs("1", List.of(JobScope.FAILED, JobScope.CANCELED), null, null, 100L, null, null, null, null);
        check(!scoped.isEmpty() && scoped.stream().allMatch(job -> List.of("failed", "canceled").contains(status(job.getStatus()))), "scope[] filters");

        // A pipeline's jobs and trigger jobs.
        List<Long> pipelines = new ArrayList<>();
        for (Job job : byOffset) if (!pipelines.contains(job.getPipeline().getId())) pipelines.add(job.getPipeline().getId());
        ApiResponse<List<Job>> pipelineJobs = jobs.listPipelineJobsWithHttpInfo("1", pipelines.get(0), null, true, null, null);
        check(!pipelineJobs.getData().isEmpty() && header(pipelineJobs, "X-Total") != null, "a pipeline's jobs, with totals");
        List<Bridge> bridges = new ArrayList<>();
        for (long pipeline : pipelines) {
            bridges.addAll(jobs.listPipelineBridges("1", pipeline, List.of(JobScope.SUCCESS, JobScope.MANUAL), null, null));
        }
        check(!bridges.isEmpty(), "a pipeline's trigger jobs");
        check(!jobs.listPipelineTriggerJobs("1", bridges.get(0).getPipeline().getId(), null, null, null).isEmpty(),
            "the trigger_jobs route (GitLab 19.2)");

        // The job-token routes.
        JobsApi asJob = client("PLAIN_URL", System.getenv("JOB_TOKEN"), "JOB-TOKEN");
        Job own = asJob.getJobByToken();
        check(("glcbt-sandbox-" + own.getId()).equals(System.getenv("JOB_TOKEN")), "GET /job with a job token");
        AllowedAgents agents = asJob.getAllowedAgents();
        check(agents.getJob().getId().equals(own.getId()) && !agents.getAllowedAgents().isEmpty(), "GET /job/allowed_agents");

        // One job, and its log as text.
        java.util.function.BiFunction<String, Predicate<Job>, Job> pick = (wanted, more) -> {
            for (Job job : byOffset) if (status(job.getStatus()).equals(wanted) && more.test(job)) return job;
            check(false, "a " + wanted + " job");
            return null;
        };
        Job done = pick.apply("success", job -> !job.getArtifacts().isEmpty());
        check(jobs.getJob("1", done.getId()).getId().equals(done.getId()), "GET a job");
        String log = jobs.getJobLog("1", done.getId(), null, null, null, null);
        check(log.contains("Job succeeded"), "the log as text");
        ApiResponse<String> part = jobs.getJobLogWithHttpInfo("1", done.getId(), "bytes=1-", null, null, null);
        check(part.getStatusCode() == 206 && part.getData().equals(log.substring(1)), "the log from byte 1 (206)");

        // Every action, each without a body and with one.
        Job pending = pick.apply("pending", job -> true);
        ApiResponse<Job> canceled = jobs.cancelJobWithHttpInfo("1", pending.getId(), null);
        check(canceled.getStatusCode() == 201 && status(canceled.getData().getStatus()).equals("canceled"), "cancel without a body");
        Job failed = pick.apply("failed", job -> true);
        check(jobs.retryJob("1", failed.getId(), null).getId() > failed.getId(), "retry answers the new job");
        ApiException refusal = failure(() -> jobs.retryJob("1", failed.getId(), null));
        check(refusal.getCode() == 403 && errorBody(mapper, refusal) instanceof MessageBody, "a second retry: 403 MessageBody");
        Job erasable = pick.apply("success", job -> !job.getArtifacts().isEmpty() && !job.getId().equals(done.getId()));
        check(jobs.eraseJob("1", erasable.getId()).getErasedAt() != null, "erase");

        // Play answers a Job or a Bridge: the README's option hands the answer over as a tree,
        // and the README's `played` reads it as what it is.
        Job manual = pick.apply("manual", job -> true);
        PlayJobRequest body = new PlayJobRequest().addJobVariablesAttributesItem(new JobVariableAttributes().key("DEPLOY").value("yes"));
        Object played = played(jobs.playJob("1", manual.getId(), body), mapper);
        check(played instanceof Job job && job.getId().equals(manual.getId()) && status(job.getStatus()).equals("pending"), "play answers a Job");
        Bridge manualBridge = bridges.stream().filter(bridge -> status(bridge.getStatus()).equals("manual")).findFirst().orElse(null);
        check(manualBridge != null, "a manual trigger job");
        played = played(jobs.playJob("1", manualBridge.getId(), null), mapper);
        check(played instanceof Bridge bridge && bridge.getId().equals(manualBridge.getId()), "play answers a Bridge");

        // GitLab's error bodies, each into its shape.
        ApiException error = failure(() -> jobs.listProjectJobs("1", null, null, null, 0L, null, null, null, null));
        check(error.getCode() == 400 && errorBody(mapper, error) instanceof ErrorBody, "400: ErrorBody");
        error = failure(() -> client("PLAIN_URL", "nope", "PRIVATE-TOKEN").getJob("1", done.getId()));
        check(error.getCode() == 401 && errorBody(mapper, error) instanceof MessageBody, "401: MessageBody");
        error = failure(() -> client("PLAIN_URL", "glpat-sandbox-reporter", "PRIVATE-TOKEN").cancelJob("1", done.getId(), null));
        check(error.getCode() == 403 && errorBody(mapper, error) instanceof MessageBody, "403: MessageBody");
        error = failure(() -> jobs.getJob("no/such", 1L));
        check(error.getCode() == 404 && errorBody(mapper, error) instanceof MessageBody, "404: MessageBody");
        JobsApi limited = client("LIMITED_URL", ROOT, "PRIVATE-TOKEN");
        limited.listProjectJobs("1", null, null, null, null, null, null, null, null);
        error = failure(() -> limited.listProjectJobs("1", null, null, null, null, null, null, null, null));
        check(error.getCode() == 429 && errorBody(mapper, error) instanceof RateLimitBody
            && error.getResponseHeaders().firstValue("Retry-After").isPresent(), "429: RateLimitBody, with Retry-After");

        // A plain-text error body (an instance throttle's `Retry later`) is no model: the
        // exception keeps the status, the headers and the text.
        error = failure(() -> client("THROTTLED_URL", ROOT, "PRIVATE-TOKEN").getJob("1", done.getId()));
        check(error.getCode() == 429 && "Retry later\n".equals(error.getResponseBody())
            && error.getResponseHeaders().firstValue("Retry-After").isPresent(), "429 from a throttle: the text and Retry-After");

        System.out.println(passed + " passed, 0 failed");
    }
}
