//! Paths and pages: percent-encoding, the `Link` header, a page number in a query.
use ::http::HeaderMap;

use super::Next;

/// The `rel="next"` target of the `Link` header, if any.
pub(crate) fn link_next(headers: &HeaderMap) -> Option<Next> {
    let header = headers.get("link")?.to_str().ok()?;
    next_link(header).map(Next::Url)
}

/// The `rel="next"` target of a `Link` header's value.
fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        let is_next = params
            .split(';')
            .any(|p| p.trim().replace(' ', "") == "rel=\"next\"");
        let url = url.trim().strip_prefix('<')?.strip_suffix('>')?;
        is_next.then(|| url.to_owned())
    })
}

/// Whether `url` starts with a scheme (`https://…`), rather than being a path.
pub(super) fn is_absolute(url: &str) -> bool {
    url.split_once("://").is_some_and(|(scheme, _)| {
        scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

/// `path` asking for `page` (any `page=` it had replaced).
pub(crate) fn with_page(path: &str, page: &str) -> String {
    let (base, query) = path.split_once('?').unwrap_or((path, ""));
    let mut params: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("page="))
        .collect();
    let page = format!("page={}", encode(page));
    params.push(&page);
    format!("{base}?{}", params.join("&"))
}

/// Percent-encodes a path segment or query value (RFC 3986 unreserved characters kept).
pub(crate) fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_headers() {
        let h = r#"<https://api.github.com/repositories/1/issues?page=3>; rel="next", <https://api.github.com/repositories/1/issues?page=5>; rel="last""#;
        assert_eq!(
            next_link(h).as_deref(),
            Some("https://api.github.com/repositories/1/issues?page=3")
        );
        assert_eq!(next_link(r#"<https://x/a?page=1>; rel="prev""#), None);
        assert_eq!(next_link(""), None);
        let mut headers = HeaderMap::new();
        assert!(link_next(&headers).is_none());
        headers.insert("link", h.parse().unwrap());
        assert!(matches!(link_next(&headers), Some(Next::Url(u)) if u.ends_with("issues?page=3")));
    }

    #[test]
    fn absolute_urls_have_a_scheme() {
        assert!(is_absolute("https://gl.example/api/v4/x"));
        assert!(is_absolute("http://127.0.0.1:8080/x"));
        assert!(!is_absolute("/repos/o/r/issues?per_page=100"));
        assert!(!is_absolute("projects/1/issues?next=https://x"));
        assert!(!is_absolute("/x?u=https://y"));
    }

    #[test]
    fn pages() {
        assert_eq!(
            with_page("projects/1/issues?state=opened&per_page=100", "2"),
            "projects/1/issues?state=opened&per_page=100&page=2"
        );
        assert_eq!(with_page("x?page=2&a=b", "3"), "x?a=b&page=3");
    }

    #[test]
    fn encoding() {
        assert_eq!(encode("prod env/1"), "prod%20env%2F1");
        assert_eq!(encode("github-actions[bot]"), "github-actions%5Bbot%5D");
        assert_eq!(encode("deploy.yml"), "deploy.yml");
        assert_eq!(encode("acme/shop"), "acme%2Fshop");
    }
}
