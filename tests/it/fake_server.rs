//! The toolkit the fake forges are built on: a request log, fault injection by method and
//! path, paging (GitHub's `Link` header or GitLab's `x-*` headers), JSON bodies, and a
//! [`Contract`] hook that checks every request and answer against the vendor's definition.
//! A fake holds a [`Kit`], wraps its router with [`Kit::layer`] and lets its state live beside;
//! a handler whose check needs that state marks its answer with [`refusal`].
pub mod openapi;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// How large a body the gate reads to check it: beyond it, 413 (release archives of debug
/// builds are a few hundred megabytes).
const BODY_LIMIT: usize = 1024 * 1024 * 1024;

/// A request as the fake saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path as sent (encoded parts stay encoded).
    pub path: String,
    /// The query string, empty when none.
    pub query: String,
}

/// A fault to inject.
#[derive(Debug, Clone)]
pub enum Fault {
    /// 500 Internal Server Error.
    ServerError,
    /// 503 Service Unavailable with `Retry-After: 1`.
    Unavailable,
    /// 429 with `Retry-After: 1`.
    TooMany,
    /// 403 secondary rate limit with `Retry-After: 1`.
    SecondaryLimit,
    /// Answer after this long.
    Slow(Duration),
    /// Do the work, then never answer (the client times out).
    DropAfterCreate,
    /// Answer this status with this message.
    Status(u16, &'static str),
}

/// A request the vendor's definition refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// The status the vendor answers.
    pub status: u16,
    /// The message answered, in the vendor's error shape ([`Contract::error`]).
    pub text: String,
    /// The rule that refuses it, with its source: what the violation records.
    pub rule: String,
}

impl Refused {
    /// A refusal whose answer says the rule itself.
    pub fn plain(status: u16, text: String) -> Self {
        Self {
            status,
            rule: text.clone(),
            text,
        }
    }
}

/// Marks an answer a handler gave as a refusal of the vendor's code beyond what its published
/// definition says (a check that needs the fake's state): the gate records it as a violation
/// and sends the answer as it is. See [`refusal`].
#[derive(Debug, Clone)]
struct HandlerRefusal(String);

/// `answer`, recorded as a violation of `rule` when the gate sees it: a handler's refusal.
pub fn refusal(mut answer: Response, rule: String) -> Response {
    answer.extensions_mut().insert(HandlerRefusal(rule));
    answer
}

/// What a vendor's fake says for itself: its error answers, who may call it, and the checks
/// of its published definition.
pub trait Contract: Send + Sync + 'static {
    /// The vendor's error answer: `status` with `text` in the vendor's error shape.
    fn error(&self, status: u16, text: &str) -> Response;

    /// The message of the vendor's answer to an injected fault (`Slow` and `DropAfterCreate`
    /// are not answered with one).
    fn fault_text(&self, fault: &Fault) -> String;

    /// `Err((status, message))` when the request's credentials are not accepted.
    fn authenticate(&self, headers: &HeaderMap) -> Result<(), (u16, String)>;

    /// `Err` when the definition refuses the request; `Ok` lists what the definition lets
    /// through but the client should not have sent (e.g. a parameter the vendor ignores): each
    /// is recorded as a violation and the request is served.
    fn check_request(&self, call: &Call) -> Result<Vec<String>, Refused>;

    /// `Err(message)` when the definition never gives this answer to the request.
    fn check_response(&self, call: &Call, status: u16, body: &[u8]) -> Result<(), String>;
}

/// A request as the contract sees it.
pub struct Call {
    /// The method.
    pub method: Method,
    /// The path, still encoded.
    pub path: String,
    /// The query parameters, decoded.
    pub query: Vec<(String, String)>,
    /// The `Content-Type` header, when sent.
    pub content_type: Option<String>,
    /// The `Content-Length` header, when sent.
    pub content_length: Option<String>,
    /// The body as sent.
    pub body: Bytes,
}

struct Rule {
    method: Method,
    path_contains: String,
    fault: Fault,
    times: usize,
}

#[derive(Default)]
struct Log {
    requests: Vec<Recorded>,
    rules: Vec<Rule>,
    violations: Vec<String>,
}

/// The toolkit's state: the log, the fault rules, the contract and what it found.
pub struct Kit {
    contract: Box<dyn Contract>,
    log: Mutex<Log>,
}

impl Kit {
    /// A kit checking requests and answers against `contract`.
    pub fn new(contract: impl Contract) -> Arc<Self> {
        Arc::new(Self {
            contract: Box::new(contract),
            log: Mutex::new(Log::default()),
        })
    }

    /// `router` behind the gate: every request is recorded, authenticated, checked against the
    /// contract (a refused one is answered as the vendor would and recorded as a violation),
    /// given its fault if a rule matches, and its answer checked against the contract.
    pub fn layer<S: Clone + Send + Sync + 'static>(
        self: &Arc<Self>,
        router: Router<S>,
    ) -> Router<S> {
        router.layer(middleware::from_fn_with_state(self.clone(), gate))
    }

    /// The next `times` requests with `method` whose path contains `path_contains` get `fault`
    /// (a trailing `$` anchors it at the end: `/notes$` is creating a note, not reacting to one).
    pub fn fail(&self, method: &str, path_contains: &str, fault: Fault, times: usize) {
        self.log.lock().unwrap().rules.push(Rule {
            method: method.parse().unwrap(),
            path_contains: path_contains.to_owned(),
            fault,
            times,
        });
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.log.lock().unwrap().requests.clone()
    }

    /// Forget the requests so far.
    pub fn clear_requests(&self) {
        self.log.lock().unwrap().requests.clear();
    }

    /// The requests and answers the contract refused so far, and forget them.
    pub fn take_violations(&self) -> Vec<String> {
        std::mem::take(&mut self.log.lock().unwrap().violations)
    }

    /// Panics, listing them, when the contract refused any request or answer (unless the
    /// thread already panics): a fake's owner calls this when it is dropped.
    pub fn assert_no_violations(&self, fake: &str) {
        let violations = self.take_violations();
        if !violations.is_empty() && !std::thread::panicking() {
            panic!(
                "{fake}: requests or answers its vendor's definition refuses:\n  {}",
                violations.join("\n  ")
            );
        }
    }

    fn violation(&self, text: String) {
        self.log.lock().unwrap().violations.push(text);
    }
}

/// The request's query parameters, decoded.
pub fn query_params(uri: &Uri) -> Vec<(String, String)> {
    axum::extract::Query::<Vec<(String, String)>>::try_from_uri(uri)
        .map(|q| q.0)
        .unwrap_or_default()
}

/// Parses a JSON body; `refuse` (the vendor's 400) when it is not JSON.
pub fn parse_json(body: &str, refuse: impl FnOnce() -> Response) -> Result<Value, Box<Response>> {
    serde_json::from_str(body).map_err(|_| Box::new(refuse()))
}

/// The paging headers a vendor sends.
#[derive(Debug, Clone, Copy)]
pub enum PageHeaders {
    /// GitHub: a `Link` header with `prev`, `next`, `last` and `first` where they exist.
    Github,
    /// GitLab: a `Link` header with `prev`, `next`, `first` and `last`, and unless
    /// `link_only`, `x-page`, `x-per-page`, `x-next-page`, `x-prev-page`, `x-total`,
    /// `x-total-pages`.
    Gitlab {
        /// Only the `Link` header (GitLab's keyset pagination and very large lists).
        link_only: bool,
    },
}

/// Paging as a vendor does it: `per_page` (`default_per_page` when absent, at most 100) and
/// `page` (from 1).
#[derive(Debug, Clone, Copy)]
pub struct Pager {
    /// Items per page when the request names none.
    pub default_per_page: usize,
    /// The headers sent.
    pub headers: PageHeaders,
}

impl Pager {
    /// The page of `items` the request `uri` asks for, as a JSON answer with the headers.
    pub fn page(&self, items: Vec<Value>, uri: &Uri, headers: &HeaderMap) -> Response {
        let (slice, page_headers) = self.cut(items, uri, headers);
        let mut response = axum::Json(Value::Array(slice)).into_response();
        for (name, value) in page_headers {
            response.headers_mut().insert(name, value.parse().unwrap());
        }
        response
    }

    /// The page of `items` the request `uri` asks for, and the paging headers to send with it
    /// (for an answer that wraps the list in an object).
    pub fn cut(
        &self,
        items: Vec<Value>,
        uri: &Uri,
        headers: &HeaderMap,
    ) -> (Vec<Value>, Vec<(&'static str, String)>) {
        let params = query_params(uri);
        let param = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| v.parse::<usize>().ok())
        };
        let per_page = param("per_page")
            .unwrap_or(self.default_per_page)
            .clamp(1, 100);
        let page = param("page").unwrap_or(1).max(1);
        let total = items.len();
        let last = total.div_ceil(per_page).max(1);
        let slice: Vec<Value> = items
            .into_iter()
            .skip((page - 1) * per_page)
            .take(per_page)
            .collect();
        let host = headers
            .get("host")
            .and_then(|h| h.to_str().ok())
            .unwrap_or("127.0.0.1");
        let link_to = |p: usize| {
            let mut query: Vec<&str> = uri
                .query()
                .unwrap_or_default()
                .split('&')
                .filter(|kv| !kv.is_empty() && !kv.starts_with("page="))
                .collect();
            let page = format!("page={p}");
            query.push(&page);
            format!("<http://{host}{}?{}>", uri.path(), query.join("&"))
        };
        let mut links = Vec::new();
        if page > 1 {
            links.push(format!("{}; rel=\"prev\"", link_to(page - 1)));
        }
        if page < last {
            links.push(format!("{}; rel=\"next\"", link_to(page + 1)));
        }
        let gitlab = matches!(self.headers, PageHeaders::Gitlab { .. });
        if page < last || gitlab {
            links.push(format!("{}; rel=\"last\"", link_to(last)));
        }
        if page > 1 || gitlab {
            links.push(format!("{}; rel=\"first\"", link_to(1)));
        }
        let mut out = Vec::new();
        if !links.is_empty() {
            out.push(("link", links.join(", ")));
        }
        if let PageHeaders::Gitlab { link_only: false } = self.headers {
            let or_empty = |cond: bool, p: usize| if cond { p.to_string() } else { String::new() };
            out.extend([
                ("x-page", page.to_string()),
                ("x-per-page", per_page.to_string()),
                ("x-next-page", or_empty(page < last, page + 1)),
                ("x-prev-page", or_empty(page > 1, page.saturating_sub(1))),
                ("x-total", total.to_string()),
                ("x-total-pages", last.to_string()),
            ]);
        }
        (slice, out)
    }
}

/// Records, authenticates, checks, injects the first matching fault, and checks the answer.
async fn gate(State(kit): State<Arc<Kit>>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        kit.violation(format!(
            "{} {}: a body over the fake's {BODY_LIMIT} bytes, or one that broke off",
            parts.method,
            parts.uri.path()
        ));
        return kit.contract.error(413, "Payload Too Large");
    };
    let header = |name: &str| {
        let value = parts.headers.get(name)?.to_str().ok()?;
        Some(value.to_owned())
    };
    let call = Call {
        method: parts.method.clone(),
        path: parts.uri.path().to_owned(),
        query: query_params(&parts.uri),
        content_type: header("content-type"),
        content_length: header("content-length"),
        body: body.clone(),
    };
    let fault = {
        let mut log = kit.log.lock().unwrap();
        log.requests.push(Recorded {
            method: parts.method.to_string(),
            path: call.path.clone(),
            query: parts.uri.query().unwrap_or_default().to_owned(),
        });
        if let Err((status, text)) = kit.contract.authenticate(&parts.headers) {
            return kit.contract.error(status, &text);
        }
        let said = |what: &str| format!("{} {}: {what}", call.method, call.path);
        match kit.contract.check_request(&call) {
            Ok(notes) => log.violations.extend(notes.iter().map(|n| said(n))),
            Err(refused) => {
                log.violations
                    .push(said(&format!("request refused: {}", refused.rule)));
                drop(log);
                return kit.contract.error(refused.status, &refused.text);
            }
        }
        let rule = log.rules.iter_mut().find(|r| {
            r.times > 0 && r.method == call.method && path_matches(&call.path, &r.path_contains)
        });
        rule.map(|r| {
            r.times -= 1;
            r.fault.clone()
        })
    };
    let request = Request::from_parts(parts, Body::from(body));
    let with_retry_after = |status: u16, fault: &Fault| {
        let mut r = kit.contract.error(status, &kit.contract.fault_text(fault));
        r.headers_mut().insert("retry-after", "1".parse().unwrap());
        r
    };
    match fault {
        None => checked(&kit, &call, next.run(request).await).await,
        Some(f @ Fault::ServerError) => kit.contract.error(500, &kit.contract.fault_text(&f)),
        Some(f @ Fault::Unavailable) => with_retry_after(503, &f),
        Some(f @ Fault::TooMany) => with_retry_after(429, &f),
        Some(f @ Fault::SecondaryLimit) => with_retry_after(403, &f),
        Some(Fault::Slow(delay)) => {
            tokio::time::sleep(delay).await;
            checked(&kit, &call, next.run(request).await).await
        }
        Some(Fault::DropAfterCreate) => {
            let _created = checked(&kit, &call, next.run(request).await).await;
            tokio::time::sleep(Duration::from_secs(30)).await;
            kit.contract.error(500, "unreachable: the client gave up")
        }
        Some(f @ Fault::Status(status, _)) => {
            kit.contract.error(status, &kit.contract.fault_text(&f))
        }
    }
}

/// The answer, after the contract checked it (a refused one is recorded and still sent); a
/// handler's refusal ([`refusal`]) is recorded too.
async fn checked(kit: &Kit, call: &Call, response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .unwrap_or_default();
    let said = |what: String| format!("{} {}: {what}", call.method, call.path);
    if let Some(HandlerRefusal(rule)) = parts.extensions.remove::<HandlerRefusal>() {
        kit.violation(said(format!("request refused: {rule}")));
    }
    if let Err(text) = kit
        .contract
        .check_response(call, parts.status.as_u16(), &bytes)
    {
        kit.violation(said(format!("answer refused: {text}")));
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Whether `path` contains `pattern`, or ends with it when the pattern ends with `$`.
fn path_matches(path: &str, pattern: &str) -> bool {
    match pattern.strip_suffix('$') {
        Some(tail) => path.ends_with(tail),
        None => path.contains(pattern),
    }
}

#[test]
fn gitlab_pages_carry_x_headers_and_both_ends_of_the_link() {
    let pager = Pager {
        default_per_page: 20,
        headers: PageHeaders::Gitlab { link_only: false },
    };
    let items: Vec<Value> = (0..5).map(Value::from).collect();
    let uri: Uri = "/api/v4/projects/42/issues?per_page=2&page=2"
        .parse()
        .unwrap();
    let mut headers = HeaderMap::new();
    headers.insert("host", "127.0.0.1:9".parse().unwrap());
    let (page, sent) = pager.cut(items, &uri, &headers);
    assert_eq!(page, [Value::from(2), Value::from(3)]);
    let header = |name: &str| {
        sent.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(header("x-next-page"), Some("3"));
    assert_eq!(header("x-prev-page"), Some("1"));
    assert_eq!(header("x-total-pages"), Some("3"));
    let link = header("link").unwrap();
    assert!(link.contains("per_page=2&page=1>; rel=\"first\""), "{link}");
    assert!(link.contains("per_page=2&page=3>; rel=\"last\""), "{link}");
}
