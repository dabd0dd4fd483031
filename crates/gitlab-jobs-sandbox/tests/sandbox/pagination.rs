//! Pagination to the end, both ways, and GitLab's edges.

use std::collections::BTreeSet;

use gitlab_jobs_client::types::PaginationMode;
use gitlab_jobs_sandbox::Config;
use gitlab_jobs_sandbox::data::projects;

use super::support::{refused, root, sandbox_with};

fn builds_of(sandbox: &gitlab_jobs_sandbox::Sandbox, project: i64) -> Vec<i64> {
    sandbox.with_store(|store| {
        store
            .jobs
            .values()
            .rev()
            .filter(|job| job.project_id == project && job.is_build())
            .map(|job| job.id)
            .collect()
    })
}

#[tokio::test]
async fn offset_pages_reach_the_end_without_gaps() {
    let sandbox = sandbox_with(Config {
        jobs: 450,
        jobs_rate_limit: 0,
        ..Config::default()
    })
    .await;
    let gitlab = root(&sandbox);
    let mut seen = Vec::new();
    let mut page = 1u64;
    loop {
        let response = gitlab
            .list_project_jobs()
            .id(1)
            .page(page)
            .per_page(100u64)
            .send()
            .await
            .unwrap();
        let next = response.headers()["x-next-page"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(response.headers()["x-page"], page.to_string().as_str());
        seen.extend(response.into_inner().into_iter().map(|job| job.id));
        if next.is_empty() {
            break;
        }
        page = next.parse().unwrap();
    }
    assert_eq!(
        seen,
        builds_of(&sandbox, projects::API),
        "every build once, newest first"
    );
}

#[tokio::test]
async fn keyset_pages_follow_the_link_to_the_end() {
    let sandbox = sandbox_with(Config {
        jobs: 450,
        jobs_rate_limit: 0,
        ..Config::default()
    })
    .await;
    let gitlab = root(&sandbox);
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut request = gitlab
            .list_project_jobs()
            .id(1)
            .pagination(PaginationMode::Keyset)
            .per_page(100u64);
        if let Some(cursor) = &cursor {
            request = request.cursor(cursor.as_str());
        }
        let response = request.send().await.unwrap();
        pages += 1;
        let link = response
            .headers()
            .get("link")
            .map(|link| link.to_str().unwrap().to_owned());
        seen.extend(response.into_inner().into_iter().map(|job| job.id));
        let Some(link) = link else { break };
        assert!(link.ends_with("rel=\"next\""), "{link}");
        let url = link.trim_start_matches('<').split('>').next().unwrap();
        let query = url.split_once('?').unwrap().1;
        cursor = form_cursor(query);
        assert!(cursor.is_some(), "a next link carries a cursor: {url}");
    }
    let builds = builds_of(&sandbox, projects::API);
    assert_eq!(seen, builds);
    assert_eq!(pages, builds.len().div_ceil(100));
    let unique: BTreeSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len());
}

fn form_cursor(query: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == "cursor").then(|| value.replace("%3D", "="))
    })
}

#[tokio::test]
async fn gitlab_edges_of_per_page_and_keyset() {
    let sandbox = sandbox_with(Config {
        jobs_rate_limit: 0,
        ..Config::default()
    })
    .await;
    let http = gitlab_jobs_client::default_http_client().build().unwrap();
    let token = sandbox.config().tokens.root.clone();
    let get = |query: &'static str| {
        http.get(format!("{}/projects/1/jobs?{query}", sandbox.url()))
            .header("private-token", token.clone())
            .send()
    };
    let clamped = get("per_page=1000").await.unwrap();
    assert_eq!(clamped.headers()["x-per-page"], "100");
    let zero = get("per_page=0").await.unwrap();
    assert_eq!(zero.status(), 400);
    assert_eq!(
        zero.text().await.unwrap(),
        r#"{"error":"per_page does not have a valid value"}"#
    );
    let ascending = get("pagination=keyset&sort=asc").await.unwrap();
    assert_eq!(ascending.status(), 405);
    assert_eq!(
        ascending.text().await.unwrap(),
        r#"{"error":"Keyset pagination is not yet available for this type of request"}"#
    );
    let (status, _) = refused(
        root(&sandbox)
            .list_project_jobs()
            .id(1)
            .cursor("not a cursor")
            .pagination(PaginationMode::Keyset)
            .send()
            .await,
    );
    assert_eq!(status, 400);
}
