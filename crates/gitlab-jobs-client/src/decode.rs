//! How the client reads a JSON answer: the body's UTF-8 is checked once, whole, and then each
//! string is taken as it is, where reading from bytes checks every string again.

use serde::de::DeserializeOwned;

use crate::{Error, ResponseValue};

/// Reads a JSON body as the client does, into any of the models: `json::<Vec<Job>>(&page)`.
pub fn json<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        // Not UTF-8: serde_json says where, as it would have.
        Err(_) => serde_json::from_slice(body),
    }
}

/// progenitor's `ResponseValue::from_response`, reading the body with [`json`]; the generated
/// client calls this instead (see `xtask/src/client.rs`).
pub(crate) async fn from_response<T: DeserializeOwned + Send + 'static, E>(
    response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(Error::ResponseBodyError)?;
    let (inner, body) = if body.len() >= OFF_THE_RUNTIME {
        // A page of jobs takes the better part of a millisecond to decode: on the runtime's
        // threads it would hold up every other task, the next page's request included.
        match tokio::task::spawn_blocking(move || (json(&body), body)).await {
            Ok(decoded) => decoded,
            Err(err) => return Err(Error::Custom(format!("decoding the answer stopped: {err}"))),
        }
    } else {
        (json(&body), body)
    };
    let inner = inner.map_err(|err| Error::InvalidResponsePayload(body, err))?;
    Ok(ResponseValue::new(inner, status, headers))
}

/// Bodies from this size on are decoded on tokio's blocking threads: about 10 jobs.
const OFF_THE_RUNTIME: usize = 32 << 10;

#[cfg(test)]
mod tests {
    use gitlab_jobs_schema::Job;

    use super::*;

    #[test]
    fn reads_what_serde_json_reads_and_refuses_what_it_refuses() {
        let job = include_bytes!("../../gitlab-jobs-schema/src/examples/get_job.json");
        let ours: Job = json(job).unwrap();
        let theirs: Job = serde_json::from_slice(job).unwrap();
        assert_eq!(ours, theirs);
        for bad in [&b"{\"id\": \xff}"[..], b"{\"id\": 1", b"", b"\"\\ud800\""] {
            let ours = json::<serde_json::Value>(bad).unwrap_err().to_string();
            let theirs = serde_json::from_slice::<serde_json::Value>(bad)
                .unwrap_err()
                .to_string();
            assert_eq!(ours, theirs, "{bad:?}");
        }
    }
}
