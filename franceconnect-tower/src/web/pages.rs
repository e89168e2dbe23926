//! The few HTML pages the routes show, in French, self-contained (no
//! external resources), every dynamic value escaped.

/// Escapes text for HTML element content and double-quoted attributes.
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

/// An error page: what happened (`title`), what to do (`message`),
/// optionally a link to try again (a relative URL), and the error's code
/// for the user to quote to the service's support.
pub(crate) fn error_page(title: &str, message: &str, retry_href: Option<&str>, code: &str) -> String {
    let retry = match retry_href {
        Some(href) => format!(
            r#"<p><a class="button" href="{}">Réessayer la connexion</a></p>"#,
            escape(href)
        ),
        None => String::new(),
    };
    page(
        title,
        &format!(
            r#"<p>{message}</p>
{retry}
<p><a href="/">Retour à l'accueil</a></p>
<p class="code">Si le problème persiste, indiquez au support du service la référence <code>{code}</code>.</p>"#,
            message = escape(message),
            code = escape(code),
        ),
    )
}

/// A whole page: `title` (escaped here) over `main`, HTML already escaped.
fn page(title: &str, main: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem; color: #161616; }}
h1 {{ font-size: 1.5rem; color: #000091; }}
.button, button {{ display: inline-block; background: #000091; color: #fff; padding: .6rem 1.2rem; text-decoration: none; border: 0; font: inherit; cursor: pointer; }}
.button:hover, button:hover {{ background: #1212ff; }}
a:focus-visible, button:focus-visible {{ outline: 2px solid #0a76f6; outline-offset: 2px; }}
.code {{ color: #3a3a3a; font-size: .875rem; margin-top: 2rem; }}
</style>
</head>
<body>
<main>
<h1>{title}</h1>
{main}
</main>
</body>
</html>
"#,
        title = escape(title),
    )
}

/// The page `GET /auth/logout` answers: a logout is a `POST`, so a link
/// or a typed address lands here, on a button that sends it.
pub(crate) fn logout_page(form: &str) -> String {
    page(
        "Se déconnecter",
        &format!(
            r#"<p>Confirmez la déconnexion de ce service et de la plateforme d'identification (FranceConnect, ProConnect).</p>
{form}
<p><a href="/">Retour à l'accueil</a></p>"#
        ),
    )
}

/// The page offering each platform's login (`/auth/login` when the
/// service has several): one link per platform, named after it.
pub(crate) fn choose_platform_page(choices: &[(crate::Platform, String)]) -> String {
    let links: String = choices
        .iter()
        .map(|(platform, url)| {
            format!(
                r#"<li><a class="button" href="{}">S'identifier avec {}</a></li>"#,
                escape(url),
                escape(platform.display_name())
            )
        })
        .collect();
    page(
        "S'identifier",
        &format!(
            r#"<p>Choisissez comment vous identifier.</p>
<ul>{links}</ul>
<p><a href="/">Retour à l'accueil</a></p>"#
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_escape_what_they_show() {
        let page = error_page(
            "<t>",
            "a \"b\" & c",
            Some("/auth/login?return_to=/x\"><script>"),
            "<code>",
        );
        assert!(page.contains("&lt;t&gt;"));
        assert!(page.contains("a &quot;b&quot; &amp; c"));
        assert!(!page.contains("<script>") && !page.contains("<code>\""));
        assert!(page.contains("&lt;code&gt;"));
        assert!(page.contains(r#"lang="fr""#));
    }
}
