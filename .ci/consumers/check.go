// A Go client, generated from openapi/openapi-3.0.yaml by openapi-generator with the options
// the README gives, and called as a consuming team would, against the sandbox (run by
// .ci/consumers/run).
//
// Environment: PLAIN_URL (a sandbox with --future-values, no rate limit), LIMITED_URL (one
// project-job-list request a minute), THROTTLED_URL (--rate-limited 1), JOB_TOKEN (of PLAIN).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"

	gitlab "gitlabjobs"
)

const root = "glpat-sandbox-root"

var passed = 0

func check(condition bool, what string) {
	if !condition {
		fmt.Printf("FAILED: %s\n", what)
		os.Exit(1)
	}
	passed++
	fmt.Printf("ok %d: %s\n", passed, what)
}

// must stops the run when a call fails where it should not.
func must[T any](value T, response *http.Response, err error) (T, *http.Response) {
	if err != nil {
		fmt.Printf("FAILED: %v\n", err)
		os.Exit(1)
	}
	return value, response
}

// client is a client of the API at the URL in urlVariable, with token in header.
func client(urlVariable, token, header string) *gitlab.JobsAPIService {
	configuration := gitlab.NewConfiguration()
	configuration.Servers = gitlab.ServerConfigurations{{URL: os.Getenv(urlVariable)}}
	configuration.AddDefaultHeader(header, token)
	return gitlab.NewAPIClient(configuration).JobsAPI
}

// status is a job status as its string, known or not.
func status(value gitlab.JobStatus) string {
	if value.KnownJobStatus != nil {
		return string(*value.KnownJobStatus)
	}
	return *value.String
}

// apiError is the error body a failed call parsed into.
func apiError(err error) *gitlab.ApiError {
	var generic *gitlab.GenericOpenAPIError
	if !errors.As(err, &generic) {
		return nil
	}
	model, _ := generic.Model().(gitlab.ApiError)
	return &model
}

func main() {
	ctx := context.Background()
	jobs := client("PLAIN_URL", root, "PRIVATE-TOKEN")

	// The project job list to its end: by offset, then by cursor, with a path-encoded project.
	var byOffset []gitlab.Job
	for page := int64(1); page != 0; {
		items, response := must(jobs.ListProjectJobs(ctx, "acme/platform/api").Page(page).PerPage(100).Execute())
		check(response.StatusCode == 200, fmt.Sprintf("offset page %d", page))
		byOffset = append(byOffset, items...)
		page, _ = strconv.ParseInt(response.Header.Get("X-Next-Page"), 10, 64)
	}
	var byCursor []gitlab.Job
	next := regexp.MustCompile(`<([^>]+)>;\s*rel="next"`)
	cursor := ""
	for {
		request := jobs.ListProjectJobs(ctx, "1").Pagination(gitlab.PAGINATIONMODE_KEYSET).PerPage(100)
		if cursor != "" {
			request = request.Cursor(cursor)
		}
		items, response := must(request.Execute())
		check(response.StatusCode == 200, "keyset page after "+map[bool]string{true: "the start", false: cursor}[cursor == ""])
		byCursor = append(byCursor, items...)
		link := next.FindStringSubmatch(response.Header.Get("Link"))
		if link == nil {
			break
		}
		parsed, _ := url.Parse(link[1])
		cursor = parsed.Query().Get("cursor")
	}
	seen := map[int64]bool{}
	for _, job := range byOffset {
		seen[job.Id] = true
	}
	check(len(seen) == len(byOffset) && len(byOffset) > 100, fmt.Sprintf("%d jobs by offset, each once", len(byOffset)))
	same := len(byCursor) == len(byOffset)
	for i := range byCursor {
		same = same && byCursor[i].Id == byOffset[i].Id
	}
	check(same, "the same jobs by cursor")

	// Values GitLab adds later are kept as strings; whole pages still read, and are written
	// back as they came.
	found := map[string]bool{}
	for _, job := range byOffset {
		found["status"] = found["status"] || status(job.Status) == "sandbox_future_status"
		if job.FailureReason != nil && job.FailureReason.String != nil {
			found["reason"] = found["reason"] || *job.FailureReason.String == "sandbox_future_failure_reason"
		}
		for _, artifact := range job.Artifacts {
			found["artifact"] = found["artifact"] || (artifact.FileType.String != nil && *artifact.FileType.String == "sandbox_future_report")
		}
		if source := job.Pipeline.Source.Get(); source != nil && source.String != nil {
			found["source"] = found["source"] || *source.String == "sandbox_future_source"
		}
		if runner := job.Runner.Get(); runner != nil && runner.RunnerType.String != nil {
			found["runner"] = found["runner"] || *runner.RunnerType.String == "sandbox_future_runner_type"
		}
	}
	for _, kind := range []string{"status", "reason", "artifact", "source", "runner"} {
		check(found[kind], "an unknown "+kind+" value is kept")
	}
	written, _ := json.Marshal(byOffset)
	check(strings.Count(string(written), "sandbox_future_") >= 5, "and written back as sent")

	// A key GitLab adds later is kept too.
	var newer gitlab.Job
	withNewKey, _ := json.Marshal(byOffset[0])
	withNewKey = []byte(strings.Replace(string(withNewKey), "{", `{"sandbox_future_key":"x",`, 1))
	check(json.Unmarshal(withNewKey, &newer) == nil && newer.AdditionalProperties["sandbox_future_key"] == "x", "a job with a key GitLab adds later reads, and keeps it")

	// scope[] goes out as GitLab reads it.
	scoped, _ := must(jobs.ListProjectJobs(ctx, "1").Scope([]gitlab.JobScope{gitlab.JOBSCOPE_FAILED, gitlab.JOBSCOPE_CANCELED}).PerPage(100).Execute())
	filtered := len(scoped) > 0
	for _, job := range scoped {
		filtered = filtered && (status(job.Status) == "failed" || status(job.Status) == "canceled")
	}
	check(filtered, "scope[] filters")

	// A pipeline's jobs and trigger jobs.
	var pipelines []int64
	known := map[int64]bool{}
	for _, job := range byOffset {
		if !known[job.Pipeline.Id] {
			known[job.Pipeline.Id] = true
			pipelines = append(pipelines, job.Pipeline.Id)
		}
	}
	items, response := must(jobs.ListPipelineJobs(ctx, "1", pipelines[0]).IncludeRetried(true).Execute())
	check(len(items) > 0 && response.Header.Get("X-Total") != "", "a pipeline's jobs, with totals")
	var bridges []gitlab.Bridge
	for _, pipeline := range pipelines {
		some, _ := must(jobs.ListPipelineBridges(ctx, "1", pipeline).Scope([]gitlab.JobScope{gitlab.JOBSCOPE_SUCCESS, gitlab.JOBSCOPE_MANUAL}).Execute())
		bridges = append(bridges, some...)
	}
	check(len(bridges) > 0, "a pipeline's trigger jobs")
	triggerJobs, _ := must(jobs.ListPipelineTriggerJobs(ctx, "1", bridges[0].Pipeline.Id).Execute())
	check(len(triggerJobs) > 0, "the trigger_jobs route (GitLab 19.2)")

	// The job-token routes.
	asJob := client("PLAIN_URL", os.Getenv("JOB_TOKEN"), "JOB-TOKEN")
	own, _ := must(asJob.GetJobByToken(ctx).Execute())
	check(fmt.Sprintf("glcbt-sandbox-%d", own.Id) == os.Getenv("JOB_TOKEN"), "GET /job with a job token")
	agents, _ := must(asJob.GetAllowedAgents(ctx).Execute())
	check(agents.Job.Id == own.Id && len(agents.AllowedAgents) > 0, "GET /job/allowed_agents")

	// One job, and its log as text.
	pick := func(wanted string, more func(gitlab.Job) bool) gitlab.Job {
		for _, job := range byOffset {
			if status(job.Status) == wanted && more(job) {
				return job
			}
		}
		check(false, "a "+wanted+" job")
		return gitlab.Job{}
	}
	done := pick("success", func(job gitlab.Job) bool { return len(job.Artifacts) > 0 })
	got, _ := must(jobs.GetJob(ctx, "1", done.Id).Execute())
	check(got.Id == done.Id, "GET a job")
	log, _ := must(jobs.GetJobLog(ctx, "1", done.Id).Execute())
	check(strings.Contains(log, "Job succeeded"), "the log as text")
	part, response := must(jobs.GetJobLog(ctx, "1", done.Id).Range_("bytes=1-").Execute())
	check(response.StatusCode == 206 && part == log[1:], "the log from byte 1 (206)")

	// Every action, each without a body and with one.
	pending := pick("pending", func(gitlab.Job) bool { return true })
	canceled, response := must(jobs.CancelJob(ctx, "1", pending.Id).Execute())
	check(response.StatusCode == 201 && status(canceled.Status) == "canceled", "cancel without a body")
	failed := pick("failed", func(gitlab.Job) bool { return true })
	retried, _ := must(jobs.RetryJob(ctx, "1", failed.Id).Execute())
	check(retried.Id > failed.Id, "retry answers the new job")
	_, response, err := jobs.RetryJob(ctx, "1", failed.Id).Execute()
	refusal := apiError(err)
	check(response.StatusCode == 403 && refusal != nil && refusal.MessageBody != nil, "a second retry: 403 MessageBody")
	erasable := pick("success", func(job gitlab.Job) bool { return len(job.Artifacts) > 0 && job.Id != done.Id })
	erased, _ := must(jobs.EraseJob(ctx, "1", erasable.Id).Execute())
	check(erased.ErasedAt.IsSet() && erased.ErasedAt.Get() != nil, "erase")
	manual := pick("manual", func(gitlab.Job) bool { return true })
	body := gitlab.PlayJobRequest{JobVariablesAttributes: []gitlab.JobVariableAttributes{*gitlab.NewJobVariableAttributes("DEPLOY", "yes")}}
	played, _ := must(jobs.PlayJob(ctx, "1", manual.Id).PlayJobRequest(body).Execute())
	check(played.Job != nil && played.Bridge == nil && status(played.Job.Status) == "pending", "play answers a Job")
	var manualBridge *gitlab.Bridge
	for i := range bridges {
		if status(bridges[i].Status) == "manual" {
			manualBridge = &bridges[i]
			break
		}
	}
	check(manualBridge != nil, "a manual trigger job")
	played, _ = must(jobs.PlayJob(ctx, "1", manualBridge.Id).Execute())
	check(played.Bridge != nil && played.Job == nil, "play answers a Bridge")

	// GitLab's error bodies, each into its variant.
	_, response, err = jobs.ListProjectJobs(ctx, "1").PerPage(0).Execute()
	check(response.StatusCode == 400 && apiError(err) != nil && apiError(err).ErrorBody != nil, "400: ErrorBody")
	_, response, err = client("PLAIN_URL", "nope", "PRIVATE-TOKEN").GetJob(ctx, "1", done.Id).Execute()
	check(response.StatusCode == 401 && apiError(err).MessageBody != nil, "401: MessageBody")
	_, response, err = client("PLAIN_URL", "glpat-sandbox-reporter", "PRIVATE-TOKEN").CancelJob(ctx, "1", done.Id).Execute()
	check(response.StatusCode == 403 && apiError(err).MessageBody != nil, "403: MessageBody")
	_, response, err = jobs.GetJob(ctx, "no/such", 1).Execute()
	check(response.StatusCode == 404 && apiError(err).MessageBody != nil, "404: MessageBody")
	limited := client("LIMITED_URL", root, "PRIVATE-TOKEN")
	limited.ListProjectJobs(ctx, "1").Execute()
	_, response, err = limited.ListProjectJobs(ctx, "1").Execute()
	check(response.StatusCode == 429 && apiError(err).RateLimitBody != nil && response.Header.Get("Retry-After") != "", "429: RateLimitBody, with Retry-After")

	// A plain-text error body (an instance throttle's `Retry later`, the middleware's `Bad
	// Request`) is no model: the error keeps the status, the headers and the text.
	_, response, err = client("THROTTLED_URL", root, "PRIVATE-TOKEN").GetJob(ctx, "1", done.Id).Execute()
	var generic *gitlab.GenericOpenAPIError
	check(
		response.StatusCode == 429 && errors.As(err, &generic) && string(generic.Body()) == "Retry later\n" &&
			response.Header.Get("Retry-After") != "",
		"429 from a throttle: the text and Retry-After",
	)

	fmt.Printf("%d passed, 0 failed\n", passed)
}
