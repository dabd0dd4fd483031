//! Offset and keyset pagination, with GitLab's headers.

use axum::http::{HeaderMap, HeaderValue};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE;

use crate::errors::Failure;
use crate::query::Query;

/// Over this many items, GitLab does not count them (no `X-Total`, no `rel="last"`).
const COUNT_LIMIT: usize = 10_000;

/// Which page a list request asks for, read once from its query, before anything else is
/// done with it: a bad value is a 400 however the list is then paged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// `page`: 1 unless given, and never 0 or less.
    pub page: usize,
    /// `per_page`: 20 unless given, at most GitLab's `max_per_page`, and never 0 or less.
    pub per_page: usize,
}

impl Paging {
    pub fn read(query: &Query) -> Result<Paging, Failure> {
        let per_page = match query.int("per_page")? {
            None => 20,
            Some(n) if n < 1 => return Err(Failure::invalid_value("per_page")),
            Some(n) => usize::try_from(n)
                .unwrap_or(usize::MAX)
                .min(gitlab_jobs_schema::MAX_PER_PAGE as usize),
        };
        let page = match query.int("page")? {
            None => 1,
            Some(n) if n < 1 => return Err(Failure::invalid_value("page")),
            Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
        };
        Ok(Paging { page, per_page })
    }
}

/// Where the request was sent, for the links of the `Link` header.
#[derive(Debug, Clone)]
pub struct Location {
    /// `http://host/api/v4/projects/1/jobs`.
    pub url: String,
    pub query: Query,
}

impl Location {
    /// This location with `changes` for these keys, in Rails' `to_query` order (sorted by key).
    fn with(&self, changes: &[(&str, String)]) -> String {
        let mut pairs: Vec<(String, String)> = self
            .query
            .pairs()
            .iter()
            .filter(|(key, _)| !changes.iter().any(|(changed, _)| changed == key))
            .cloned()
            .collect();
        pairs.extend(
            changes
                .iter()
                .map(|(key, value)| (key.to_string(), value.clone())),
        );
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        let query: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        format!("{}?{query}", self.url)
    }
}

/// A page of `items` by offset, and GitLab's headers for it. `count` is false where GitLab
/// never counts (the project job list): no `X-Total`, `X-Total-Pages` or `rel="last"`.
pub fn offset_page<T: Clone>(
    items: impl Iterator<Item = T>,
    location: &Location,
    Paging { page, per_page }: Paging,
    count: bool,
) -> Result<(Vec<T>, HeaderMap), Failure> {
    let skip = (page - 1).saturating_mul(per_page);
    let mut items = items.skip(skip);
    let selected: Vec<T> = items.by_ref().take(per_page).collect();
    // GitLab counts a list only where it sends totals, and only up to its limit; elsewhere it
    // looks one item ahead for the next page.
    let seen = skip.saturating_add(selected.len());
    let rest = if count {
        items.take(COUNT_LIMIT.saturating_sub(seen) + 1).count()
    } else {
        usize::from(items.next().is_some())
    };
    let has_next = rest > 0;
    let total = seen.saturating_add(rest);
    let mut headers = HeaderMap::new();
    let value = |text: String| HeaderValue::from_str(&text).expect("a header value");
    headers.insert("x-page", value(page.to_string()));
    headers.insert("x-per-page", value(per_page.to_string()));
    headers.insert(
        "x-next-page",
        value(if has_next {
            (page + 1).to_string()
        } else {
            String::new()
        }),
    );
    headers.insert(
        "x-prev-page",
        value(if page > 1 {
            (page - 1).to_string()
        } else {
            String::new()
        }),
    );
    let per = ("per_page", per_page.to_string());
    let mut links = Vec::new();
    if page > 1 {
        links.push(format!(
            "<{}>; rel=\"prev\"",
            location.with(&[("page", (page - 1).to_string()), per.clone()])
        ));
    }
    if has_next {
        links.push(format!(
            "<{}>; rel=\"next\"",
            location.with(&[("page", (page + 1).to_string()), per.clone()])
        ));
    }
    links.push(format!(
        "<{}>; rel=\"first\"",
        location.with(&[("page", "1".into()), per.clone()])
    ));
    if count && total <= COUNT_LIMIT {
        let pages = total.div_ceil(per_page).max(1);
        headers.insert("x-total", value(total.to_string()));
        headers.insert("x-total-pages", value(pages.to_string()));
        links.push(format!(
            "<{}>; rel=\"last\"",
            location.with(&[("page", pages.to_string()), per])
        ));
    }
    headers.insert("link", value(links.join(", ")));
    Ok((selected, headers))
}

/// Whether the request asks for keyset pagination. With keyset pagination, GitLab supports
/// only `order_by=id` and `sort=desc` (the defaults) and answers 405 to any other ordering.
///
/// GitLab ignores `pagination`, `order_by` and `sort` with offset pagination, whatever their
/// values. The sandbox is stricter there: a value other than the contract's (`keyset`, `id`,
/// `desc`) is a 400, so that a client that works here sends only what works on GitLab.
pub fn wants_keyset(query: &Query) -> Result<bool, Failure> {
    let (pagination, order_by, sort) = (
        query.get("pagination"),
        query.get("order_by"),
        query.get("sort"),
    );
    if pagination.is_some_and(|value| value != "keyset") {
        return Err(Failure::invalid_value("pagination"));
    }
    if pagination == Some("keyset") {
        if order_by.unwrap_or("id") != "id" || sort.unwrap_or("desc") != "desc" {
            return Err(Failure::keyset_unsupported());
        }
        return Ok(true);
    }
    if order_by.is_some_and(|value| value != "id") {
        return Err(Failure::invalid_value("order_by"));
    }
    if sort.is_some_and(|value| value != "desc") {
        return Err(Failure::invalid_value("sort"));
    }
    Ok(false)
}

/// GitLab's opaque cursor: URL-safe Base64 of `{"id":"<id>","_kd":"n"}`.
pub fn encode_cursor(id: i64) -> String {
    URL_SAFE.encode(format!("{{\"id\":\"{id}\",\"_kd\":\"n\"}}"))
}

/// The ID a cursor continues after.
pub fn decode_cursor(cursor: &str) -> Result<i64, Failure> {
    let invalid = || Failure::bad_request("Invalid cursor value");
    let bytes = URL_SAFE
        .decode(cursor)
        .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(cursor))
        .map_err(|_| invalid())?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    value["id"]
        .as_str()
        .and_then(|id| id.parse().ok())
        .ok_or_else(invalid)
}

/// A page of `ids` (newest first) after the cursor, and its `Link` header: `rel="next"` with
/// the next cursor while there is more, nothing on the last page.
pub fn keyset_page(
    ids_newest_first: impl Iterator<Item = i64>,
    location: &Location,
    Paging { per_page, .. }: Paging,
) -> Result<(Vec<i64>, HeaderMap), Failure> {
    // An empty cursor is no cursor: the first page.
    let after = location
        .query
        .get("cursor")
        .filter(|cursor| !cursor.is_empty())
        .map(decode_cursor)
        .transpose()?;
    let mut ids = ids_newest_first.skip_while(|id| after.is_some_and(|after| *id >= after));
    let selected: Vec<i64> = ids.by_ref().take(per_page).collect();
    let has_next = ids.next().is_some();
    let mut headers = HeaderMap::new();
    headers.insert(
        "x-per-page",
        HeaderValue::from_str(&per_page.to_string()).expect("digits"),
    );
    if let (true, Some(last)) = (has_next, selected.last()) {
        let next = location.with(&[
            ("cursor", encode_cursor(*last)),
            ("order_by", "id".into()),
            ("pagination", "keyset".into()),
            ("per_page", per_page.to_string()),
            ("sort", "desc".into()),
        ]);
        headers.insert(
            "link",
            HeaderValue::from_str(&format!("<{next}>; rel=\"next\"")).expect("a header value"),
        );
    }
    Ok((selected, headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location(query: &str) -> Location {
        Location {
            url: "http://gitlab/api/v4/projects/1/jobs".into(),
            query: Query::parse(Some(query)),
        }
    }

    /// A page of `items` as the request `query` asks for it.
    fn offset(
        items: std::ops::RangeInclusive<i32>,
        query: &str,
        count: bool,
    ) -> (Vec<i32>, HeaderMap) {
        let location = location(query);
        let paging = Paging::read(&location.query).unwrap();
        offset_page(items, &location, paging, count).unwrap()
    }

    fn keyset(ids: impl Iterator<Item = i64>, query: &str) -> (Vec<i64>, HeaderMap) {
        let location = location(query);
        let paging = Paging::read(&location.query).unwrap();
        keyset_page(ids, &location, paging).unwrap()
    }

    #[test]
    fn offset_headers_are_gitlabs() {
        let (items, headers) = offset(1..=45, "per_page=20&page=2&scope[]=failed", false);
        assert_eq!(items, (21..=40).collect::<Vec<_>>());
        assert_eq!(headers["x-page"], "2");
        assert_eq!(headers["x-next-page"], "3");
        assert_eq!(headers["x-prev-page"], "1");
        assert!(headers.get("x-total").is_none());
        assert_eq!(
            headers["link"],
            "<http://gitlab/api/v4/projects/1/jobs?page=1&per_page=20&scope%5B%5D=failed>; rel=\"prev\", \
             <http://gitlab/api/v4/projects/1/jobs?page=3&per_page=20&scope%5B%5D=failed>; rel=\"next\", \
             <http://gitlab/api/v4/projects/1/jobs?page=1&per_page=20&scope%5B%5D=failed>; rel=\"first\""
        );
        let (_, counted) = offset(1..=45, "per_page=20&page=3", true);
        assert_eq!(counted["x-total"], "45");
        assert_eq!(counted["x-total-pages"], "3");
        assert_eq!(counted["x-next-page"], "");
        assert!(
            counted["link"]
                .to_str()
                .unwrap()
                .ends_with("page=3&per_page=20>; rel=\"last\"")
        );
    }

    #[test]
    fn per_page_is_clamped_and_zero_refused() {
        let read = |query: &str| Paging::read(&Query::parse(Some(query)));
        assert_eq!(
            read("per_page=1000").unwrap(),
            Paging {
                page: 1,
                per_page: 100
            }
        );
        assert_eq!(
            read("").unwrap(),
            Paging {
                page: 1,
                per_page: 20
            }
        );
        assert_eq!(read("per_page=0").unwrap_err().status(), 400);
        assert_eq!(read("page=0").unwrap_err().status(), 400);
    }

    #[test]
    fn keyset_walks_by_cursor_to_the_end() {
        let ids = || (1..=5).rev();
        let (first, headers) = keyset(ids(), "pagination=keyset&per_page=2");
        assert_eq!(first, [5, 4]);
        let link = headers["link"].to_str().unwrap();
        let cursor = link
            .split("cursor=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap();
        assert_eq!(
            decode_cursor(
                &form_urlencoded::parse(format!("c={cursor}").as_bytes())
                    .next()
                    .unwrap()
                    .1
            )
            .unwrap(),
            4
        );
        let (last, headers) = keyset(
            ids(),
            &format!("pagination=keyset&per_page=3&cursor={cursor}"),
        );
        assert_eq!(last, [3, 2, 1]);
        assert!(
            headers.get("link").is_none(),
            "no next link on the last page"
        );
        assert_eq!(
            wants_keyset(&Query::parse(Some("pagination=keyset&sort=asc")))
                .unwrap_err()
                .status(),
            405
        );
    }
}
