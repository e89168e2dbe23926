//! actix-web 4 still speaks `http` 0.2; the engine speaks `http` 1. Every
//! conversion between the two happens here, and nowhere else.

use actix_web::HttpResponse;
use actix_web::http::StatusCode as ActixStatus;
use actix_web::http::header::{HeaderName as ActixName, HeaderValue as ActixValue};

/// The request headers, as `http` 1 headers (invalid ones are dropped).
pub(crate) fn headers(from: &actix_web::http::header::HeaderMap) -> http::HeaderMap {
    let mut to = http::HeaderMap::with_capacity(from.len());
    for (name, value) in from.iter() {
        if let (Ok(n), Ok(v)) = (
            http::HeaderName::from_bytes(name.as_str().as_bytes()),
            http::HeaderValue::from_bytes(value.as_bytes()),
        ) {
            to.append(n, v);
        }
    }
    to
}

/// The request method and URI, as `http` 1 types (`None` for a request
/// the routes cannot serve anyway).
pub(crate) fn method_and_uri(req: &actix_web::HttpRequest) -> Option<(http::Method, http::Uri)> {
    let method = http::Method::from_bytes(req.method().as_str().as_bytes()).ok()?;
    let uri = req.uri().to_string().parse().ok()?;
    Some((method, uri))
}

/// An engine response, as an actix-web response.
pub(crate) fn response(from: http::Response<String>) -> HttpResponse {
    let (parts, body) = from.into_parts();
    let status = ActixStatus::from_u16(parts.status.as_u16()).unwrap_or(ActixStatus::INTERNAL_SERVER_ERROR);
    let mut res = HttpResponse::with_body(status, body);
    for (name, value) in parts.headers.iter() {
        if let (Ok(n), Ok(v)) = (
            ActixName::from_bytes(name.as_str().as_bytes()),
            ActixValue::from_bytes(value.as_bytes()),
        ) {
            res.headers_mut().append(n, v);
        }
    }
    res.map_into_boxed_body()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_keep_status_headers_and_body() {
        let res = response(
            http::Response::builder()
                .status(303)
                .header("location", "/auth/login?return_to=%2Fa")
                .header("set-cookie", "a=1")
                .header("set-cookie", "b=2")
                .body("x".to_owned())
                .unwrap(),
        );
        assert_eq!(res.status().as_u16(), 303);
        assert_eq!(res.headers().get("location").unwrap(), "/auth/login?return_to=%2Fa");
        assert_eq!(res.headers().get_all("set-cookie").count(), 2);
    }

    #[test]
    fn request_headers_convert() {
        let mut h = actix_web::http::header::HeaderMap::new();
        h.append(
            ActixName::from_static("accept"),
            ActixValue::from_static("application/json"),
        );
        h.append(ActixName::from_static("x-a"), ActixValue::from_static("1"));
        h.append(ActixName::from_static("x-a"), ActixValue::from_static("2"));
        let c = headers(&h);
        assert_eq!(c.get("accept").unwrap(), "application/json");
        assert_eq!(c.get_all("x-a").iter().count(), 2);
    }
}
