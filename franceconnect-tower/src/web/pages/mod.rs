//! The few HTML pages the routes and guards show, behind a trait an
//! application can implement ([`Pages`]) for its own look or language:
//! [`FrenchPages`] by default, [`EnglishPages`](super::EnglishPages) ready
//! made. Each is self-contained (no external resources), every dynamic
//! value escaped.

pub mod buttons;
pub(crate) mod english;
pub(crate) mod error_view;
pub(crate) mod responses;

use http::StatusCode;

use crate::config::Platform;
use crate::error::Error;

/// The HTML pages of the routes and the guards. Give yours to
/// [`AuthRoutes::with_pages`](crate::web::AuthRoutes::with_pages); the JSON
/// answers (API clients) do not change.
///
/// ```
/// use franceconnect_tower::Platform;
/// use franceconnect_tower::web::{ErrorPage, FrenchPages, Pages};
///
/// /// The French pages, with the service's own error page.
/// struct MyPages;
///
/// impl Pages for MyPages {
///     fn error(&self, page: &ErrorPage<'_>) -> String {
///         format!("<h1>Oups ({})</h1><p>{}</p>", page.status, page.code)
///     }
///     fn logout(&self, action: &str) -> String {
///         FrenchPages.logout(action)
///     }
///     fn choose_platform(&self, choices: &[(Platform, String)]) -> String {
///         FrenchPages.choose_platform(choices)
///     }
/// }
/// ```
pub trait Pages: Send + Sync + 'static {
    /// A refusal or a failed login (its `status` is the response's).
    fn error(&self, page: &ErrorPage<'_>) -> String;
    /// `GET /auth/logout`: a page whose button `POST`s to `action` (a
    /// logout is never a link).
    fn logout(&self, action: &str) -> String;
    /// `GET /auth/login` with several platforms: a link to each one's
    /// login (the URLs keep `return_to`).
    fn choose_platform(&self, choices: &[(Platform, String)]) -> String;
}

/// What an error page must say.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ErrorPage<'a> {
    /// The response's status.
    pub status: StatusCode,
    /// The stable code (`access_denied`, `invalid_state`,
    /// `agent_identity_unavailable`…), as the JSON answers give it and for
    /// the person to quote to the service's support.
    pub code: &'a str,
    /// What happened and what to do, in French (or, for
    /// `sign_in_refused`, the application's own words).
    pub message: &'a str,
    /// The engine's error, when a login or a logout failed.
    pub error: Option<&'a Error>,
    /// Where to try again (a relative URL), when a new login may help.
    pub retry_href: Option<&'a str>,
    /// Where a sign-out form posts, when signing out to use another account
    /// is the way on (a signed-in agent on a page for citizens…).
    pub sign_out_action: Option<&'a str>,
}

impl ErrorPage<'_> {
    /// True when the person cancelled at the provider.
    pub fn is_cancelled(&self) -> bool {
        self.error.is_some_and(Error::is_user_cancelled)
    }
}

/// The default pages, in French.
#[derive(Debug, Clone, Copy, Default)]
pub struct FrenchPages;

impl Pages for FrenchPages {
    fn error(&self, p: &ErrorPage<'_>) -> String {
        let title = match p.error {
            Some(_) if p.is_cancelled() => "Connexion annulée",
            Some(_) => "La connexion a échoué",
            None => "Demande refusée",
        };
        error_page(
            "fr",
            title,
            p.message,
            p.retry_href.map(|h| (h, "Réessayer la connexion")),
            p.sign_out_action.map(|a| (a, "Se déconnecter pour changer de compte")),
            p.code,
            FRENCH_FOOTER,
        )
    }

    fn logout(&self, action: &str) -> String {
        page(
            "fr",
            "Se déconnecter",
            &format!(
                r#"<p>Confirmez la déconnexion de ce service et de la plateforme d'identification (FranceConnect, ProConnect).</p>
{}
<p><a href="/">Retour à l'accueil</a></p>"#,
                logout_form(action, "Se déconnecter")
            ),
        )
    }

    fn choose_platform(&self, choices: &[(Platform, String)]) -> String {
        choose_platform_page(
            "fr",
            "S'identifier",
            "Choisissez comment vous identifier.",
            "S'identifier avec",
            "Retour à l'accueil",
            choices,
        )
    }
}

/// The French pages' last lines, for the code to quote.
const FRENCH_FOOTER: (&str, &str) = (
    "Retour à l'accueil",
    "Si le problème persiste, indiquez au support du service la référence",
);

/// The logout form: a `POST` to `action`, its button labelled `label`.
pub(crate) fn logout_form(action: &str, label: &str) -> String {
    format!(
        r#"<form method="post" action="{}"><button type="submit">{}</button></form>"#,
        escape(action),
        escape(label)
    )
}

/// The page listing each platform's login, in `lang`.
pub(crate) fn choose_platform_page(
    lang: &str,
    title: &str,
    lead: &str,
    sign_in_with: &str,
    home: &str,
    choices: &[(Platform, String)],
) -> String {
    let links: String = choices
        .iter()
        .map(|(platform, url)| {
            format!(
                r#"<li><a class="button" href="{}">{} {}</a></li>"#,
                escape(url),
                escape(sign_in_with),
                escape(platform.display_name())
            )
        })
        .collect();
    page(
        lang,
        title,
        &format!(
            r#"<p>{}</p>
<ul>{links}</ul>
<p><a href="/">{}</a></p>"#,
            escape(lead),
            escape(home)
        ),
    )
}

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

/// An error page in `lang`: what happened (`title`), what to do
/// (`message`), optionally a link to try again and a form to sign out
/// (each URL and label), and the error's code for the user to quote to
/// the service's support (`footer`: the home link's label, the sentence
/// before the code).
pub(crate) fn error_page(
    lang: &str,
    title: &str,
    message: &str,
    retry: Option<(&str, &str)>,
    sign_out: Option<(&str, &str)>,
    code: &str,
    footer: (&str, &str),
) -> String {
    let sign_out = sign_out.map_or_else(String::new, |(action, label)| logout_form(action, label));
    let retry = match retry {
        Some((href, label)) => format!(
            r#"<p><a class="button" href="{}">{}</a></p>"#,
            escape(href),
            escape(label)
        ),
        None => String::new(),
    };
    page(
        lang,
        title,
        &format!(
            r#"<p>{message}</p>
{retry}
{sign_out}
<p><a href="/">{home}</a></p>
<p class="code">{quote} <code>{code}</code>.</p>"#,
            message = escape(message),
            home = escape(footer.0),
            quote = escape(footer.1),
            code = escape(code),
        ),
    )
}

/// A whole page in `lang`: `title` (escaped here) over `main`, HTML
/// already escaped.
pub(crate) fn page(lang: &str, title: &str, main: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="{lang}">
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_escape_what_they_show() {
        let page = error_page(
            "fr",
            "<t>",
            "a \"b\" & c",
            Some(("/auth/login?return_to=/x\"><script>", "retry")),
            Some(("/auth/logout\"><script>", "<out>")),
            "<code>",
            FRENCH_FOOTER,
        );
        assert!(page.contains(r#"<form method="post" action="/auth/logout&quot;&gt;&lt;script&gt;">"#));
        assert!(page.contains("&lt;out&gt;"));
        assert!(page.contains("&lt;t&gt;"));
        assert!(page.contains("a &quot;b&quot; &amp; c"));
        assert!(!page.contains("<script>") && !page.contains("<code>\""));
        assert!(page.contains("&lt;code&gt;"));
        assert!(page.contains(r#"lang="fr""#));
    }
}
