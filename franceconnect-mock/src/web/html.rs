//! HTML helpers: escaping, the page layout shared by all pages, and the
//! provider's error page (shown instead of redirecting on malformed requests).

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Escapes text for use in HTML element content and quoted attributes.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Wraps already-escaped `body` HTML in a complete French page titled `title`
/// (which is escaped here).
pub(crate) fn page(title: &str, platform_name: &str, body: &str) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — {platform} (simulateur local)</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; margin: 0; background: #f6f6f6; color: #161616; }}
header {{ background: #000091; color: #fff; padding: 0.8rem 1.5rem; }}
header strong {{ font-size: 1.2rem; }}
header span {{ margin-left: 0.8rem; font-size: 0.85rem; background: #fff; color: #000091; padding: 0.1rem 0.5rem; border-radius: 4px; }}
main {{ max-width: 52rem; margin: 1.5rem auto; background: #fff; padding: 1.5rem 2rem; border-radius: 6px; box-shadow: 0 1px 3px rgba(0,0,0,.15); }}
h1 {{ font-size: 1.5rem; margin-top: 0; }}
fieldset {{ border: 1px solid #ddd; border-radius: 4px; margin: 0 0 1.2rem; padding: 0.5rem 1rem; }}
legend {{ font-weight: bold; padding: 0 0.3rem; }}
.identity {{ display: block; padding: 0.45rem 0.3rem; border-bottom: 1px solid #eee; cursor: pointer; }}
.identity:hover {{ background: #f0f0ff; }}
.identity small {{ display: block; color: #555; margin-left: 1.6rem; }}
.identity code {{ color: #555; }}
select {{ font-size: 1rem; padding: 0.3rem; }}
.actions {{ display: flex; gap: 1rem; }}
button {{ font-size: 1rem; padding: 0.6rem 1.4rem; border-radius: 4px; border: 1px solid #000091; cursor: pointer; }}
button.primary {{ background: #000091; color: #fff; }}
button.secondary {{ background: #fff; color: #000091; }}
.error {{ border-left: 4px solid #ce0500; padding: 0.5rem 1rem; background: #fff4f4; }}
.muted {{ color: #555; font-size: 0.9rem; }}
</style>
</head>
<body>
<header><strong>{platform}</strong><span>simulateur local — aucune donnée réelle</span></header>
<main>
{body}
</main>
</body>
</html>
"#,
        title = escape(title),
        platform = escape(platform_name),
        body = body,
    )
}

/// A complete HTML response with the given status.
pub(crate) fn response(status: StatusCode, html: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

/// The provider's error page: status 400, French text, the error code and
/// its description. Never a redirect.
pub(crate) fn error_page(platform_name: &str, error: &str, description: &str) -> Response {
    error_page_with_status(StatusCode::BAD_REQUEST, platform_name, error, description)
}

/// The provider's error page with a chosen status.
pub(crate) fn error_page_with_status(
    status: StatusCode,
    platform_name: &str,
    error: &str,
    description: &str,
) -> Response {
    let body = format!(
        r#"<h1>Une erreur est survenue</h1>
<div class="error">
<p>Code d'erreur : <code id="error">{error}</code></p>
<p id="error_description">{description}</p>
</div>
<p class="muted">La demande transmise par le fournisseur de service est invalide ou a expiré.
Aucune redirection n'a été effectuée vers le fournisseur de service.</p>"#,
        error = escape(error),
        description = escape(description),
    );
    response(status, page("Erreur", platform_name, &body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">D'ARTOIS & co</a>"#),
            "&lt;a href=&quot;x&quot;&gt;D&#39;ARTOIS &amp; co&lt;/a&gt;"
        );
    }
}
