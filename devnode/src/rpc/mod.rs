//! JSON-RPC 2.0 over HTTP (hyper), in front of a chain thread that executes requests in order.

mod format;
pub mod methods;

use std::convert::Infallible;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::sync::Arc;

use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Bytes as HttpBytes, Incoming};
use hyper::header::{
    HeaderValue, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, CONTENT_TYPE,
};
use hyper::{Method, Request, Response, StatusCode};
use serde::Serialize;
use serde_json::{json, Value};

use crate::chain::{Chain, ChainConfig};

/// Largest accepted request body (like geth's 5 MiB).
pub const MAX_BODY_BYTES: usize = 5 * 1024 * 1024;
/// Largest accepted batch.
pub const MAX_BATCH: usize = 1_000;
/// Stack of the chain thread: nested WASM -> EVM -> WASM calls recurse natively (bounded by
/// the 128 WASM pages a transaction may open, since every program frame opens at least one).
const CHAIN_STACK_BYTES: usize = 256 * 1024 * 1024;

/// A JSON-RPC error object.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

impl RpcError {
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        RpcError {
            code,
            message: message.into(),
            data: None,
        }
    }

    pub fn invalid_params(message: impl Into<String>) -> Self {
        Self::new(-32602, message)
    }

    fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(-32600, message)
    }
}

type Job = Box<dyn FnOnce(&mut Chain) + Send>;

/// Handle to the thread that owns the chain. Jobs run one at a time, so every request sees a
/// consistent state; a panicking job is caught and leaves the state as it was before the job
/// (state is only committed at the end of a successful transaction).
#[derive(Clone)]
pub struct ChainThread {
    jobs: mpsc::Sender<Job>,
}

impl ChainThread {
    /// Starts the chain thread with a fresh chain.
    pub fn start(config: ChainConfig) -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("devnode-chain".into())
            .stack_size(CHAIN_STACK_BYTES)
            .spawn(move || {
                let mut chain = Chain::new(config);
                while let Ok(job) = queue.recv() {
                    job(&mut chain);
                }
            })?;
        Ok(ChainThread { jobs })
    }

    /// Runs `f` on the chain and waits for its result.
    pub async fn run<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Chain) -> R + Send + 'static,
    ) -> Result<R, RpcError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |chain| {
            let _ = reply.send(catch_unwind(AssertUnwindSafe(|| f(chain))));
        });
        self.jobs
            .send(job)
            .map_err(|_| RpcError::new(-32603, "chain thread stopped"))?;
        match answer.await {
            Ok(Ok(result)) => Ok(result),
            Ok(Err(_)) => Err(RpcError::new(-32603, "internal error: request panicked")),
            Err(_) => Err(RpcError::new(-32603, "chain thread stopped")),
        }
    }
}

/// Builds the response object for one request value.
fn respond(chain: &mut Chain, request: Value) -> Value {
    let id = request.get("id").cloned().unwrap_or(Value::Null);
    let result = match request {
        Value::Object(mut fields) => match fields.remove("method") {
            Some(Value::String(method)) => {
                methods::Params::new(fields.remove("params")).and_then(|params| {
                    catch_unwind(AssertUnwindSafe(|| {
                        methods::dispatch(chain, &method, params)
                    }))
                    .unwrap_or_else(|_| Err(RpcError::new(-32603, "internal error")))
                })
            }
            _ => Err(RpcError::invalid_request("missing or invalid method")),
        },
        _ => Err(RpcError::invalid_request("request must be an object")),
    };
    match result {
        Ok(value) => json!({"jsonrpc": "2.0", "id": id, "result": value}),
        Err(error) => json!({"jsonrpc": "2.0", "id": id, "error": error}),
    }
}

fn error_response(error: RpcError) -> Value {
    json!({"jsonrpc": "2.0", "id": Value::Null, "error": error})
}

/// Handles a parsed body (single request or batch) on the chain thread.
async fn handle_body(chain: &ChainThread, body: &[u8]) -> Value {
    let parsed: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return error_response(RpcError::new(-32700, format!("parse error: {e}"))),
    };
    let outcome = match parsed {
        Value::Array(batch) if batch.is_empty() => {
            Ok(error_response(RpcError::invalid_request("empty batch")))
        }
        Value::Array(batch) if batch.len() > MAX_BATCH => Ok(error_response(
            RpcError::invalid_request(format!("batch too large (limit {MAX_BATCH})")),
        )),
        Value::Array(batch) => {
            chain
                .run(move |c| Value::Array(batch.into_iter().map(|r| respond(c, r)).collect()))
                .await
        }
        single => chain.run(move |c| respond(c, single)).await,
    };
    outcome.unwrap_or_else(error_response)
}

fn json_response(status: StatusCode, value: &Value) -> Response<Full<HttpBytes>> {
    let body = serde_json::to_vec(value).unwrap_or_default();
    let mut response = Response::new(Full::new(HttpBytes::from(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    response
}

/// The HTTP service: POST bodies are JSON-RPC; OPTIONS answers CORS preflight.
pub async fn serve_http(
    chain: Arc<ChainThread>,
    request: Request<Incoming>,
) -> Result<Response<Full<HttpBytes>>, Infallible> {
    match *request.method() {
        Method::POST => {}
        Method::OPTIONS => {
            let mut response = json_response(StatusCode::NO_CONTENT, &Value::Null);
            *response.body_mut() = Full::new(HttpBytes::new());
            let headers = response.headers_mut();
            headers.insert(
                ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("POST, OPTIONS"),
            );
            headers.insert(
                ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static("content-type"),
            );
            return Ok(response);
        }
        _ => {
            let error =
                error_response(RpcError::invalid_request("JSON-RPC requests must use POST"));
            return Ok(json_response(StatusCode::METHOD_NOT_ALLOWED, &error));
        }
    }
    let body = match Limited::new(request.into_body(), MAX_BODY_BYTES)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.is::<LengthLimitError>() => {
            let error = error_response(RpcError::invalid_request(format!(
                "request body too large (limit {MAX_BODY_BYTES} bytes)"
            )));
            return Ok(json_response(StatusCode::PAYLOAD_TOO_LARGE, &error));
        }
        Err(_) => {
            let error = error_response(RpcError::invalid_request("unreadable request body"));
            return Ok(json_response(StatusCode::BAD_REQUEST, &error));
        }
    };
    let value = handle_body(&chain, &body).await;
    Ok(json_response(StatusCode::OK, &value))
}
