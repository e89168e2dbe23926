//! The platforms' login buttons, as HTML snippets an application places in
//! its pages: our own accessible markup after each platform's published
//! button ("S'identifier avec", then the platform's name in bold, its logo,
//! and the "Qu'est-ce que … ?" link below), with [`BUTTON_CSS`] to style it.
//!
//! ```
//! use franceconnect_tower::Platform;
//! use franceconnect_tower::web::{AuthContext, buttons};
//!
//! let ctx = AuthContext::new("/auth");
//! let html = buttons::login_button(Platform::ProConnect, &ctx.login_url(Some("/espace-agent"), None));
//! assert!(html.contains(r#"href="/auth/login?return_to=%2Fespace-agent""#));
//! assert!(html.contains("S'identifier avec ProConnect"));
//! let page = format!("<style>{}</style>{html}", buttons::BUTTON_CSS);
//! # let _ = page;
//! ```

use crate::config::Platform;
use crate::web::pages::escape;

/// The buttons' style sheet: the State's blue, a contrast above 4.5:1, a
/// visible focus ring, at least 44 px high.
pub const BUTTON_CSS: &str = r#"
.fc-connect { margin: 2rem 0; }
.fc-button { display: inline-flex; align-items: center; gap: .75rem; background: #000091; color: #fff; text-decoration: none; padding: .75rem 1.25rem .75rem 1rem; border-radius: 0; min-height: 3.5rem; }
.fc-button:hover { background: #1212ff; }
.fc-button:focus-visible { outline: 2px solid #0a76f6; outline-offset: 3px; }
.fc-logo { width: 2.5rem; height: 2.5rem; flex: none; }
.fc-label { display: flex; flex-direction: column; line-height: 1.2; }
.fc-label span:first-child { font-size: 1rem; }
.fc-label span:last-child { font-size: 1.125rem; font-weight: 700; }
.fc-help { margin: .5rem 0 0; font-size: .875rem; }
"#;

/// The FranceConnect logo, drawn in SVG (decorative: the label says it).
const FC_LOGO: &str = r##"<svg class="fc-logo" viewBox="0 0 40 40" aria-hidden="true" focusable="false"><path fill="#fff" d="M20 2 35.6 11v18L20 38 4.4 29V11z"/><path fill="#000091" d="M20 6.5 31.7 13.2v13.6L20 33.5 8.3 26.8V13.2z"/><path fill="#e1000f" d="M20 6.5 31.7 13.2 20 20z"/><path fill="#fff" d="M15 14h9v2.6h-6.2v2.6h5.4v2.6h-5.4V27H15z"/></svg>"##;

/// The ProConnect logo, drawn in SVG (decorative: the label says it).
const PC_LOGO: &str = r##"<svg class="fc-logo" viewBox="0 0 40 40" aria-hidden="true" focusable="false"><rect x="3" y="3" width="34" height="34" rx="6" fill="#fff"/><path fill="#000091" d="M12 10h9.5a6.5 6.5 0 0 1 0 13H16v7h-4zm4 3.6v5.8h5.3a2.9 2.9 0 0 0 0-5.8z"/><circle cx="28.5" cy="28" r="3" fill="#e1000f"/></svg>"##;

/// `platform`'s login button, leading to `href` (a login URL such as
/// [`AuthContext::login_url_on`](crate::web::AuthContext::login_url_on)
/// gives), and its help link opening in a new window.
pub fn login_button(platform: Platform, href: &str) -> String {
    let name = escape(platform.display_name());
    let (logo, about) = match platform {
        Platform::ProConnect => (PC_LOGO, "https://www.proconnect.gouv.fr/"),
        Platform::FranceConnect | Platform::FranceConnectPlus => (FC_LOGO, "https://franceconnect.gouv.fr/"),
    };
    format!(
        r#"<div class="fc-connect">
<a class="fc-button" href="{href}" aria-label="S'identifier avec {name}">{logo}<span class="fc-label"><span>S'identifier avec</span><span>{name}</span></span></a>
<p class="fc-help"><a href="{about}" target="_blank" rel="noopener" title="Qu'est-ce que {name} ? (nouvelle fenêtre)">Qu'est-ce que {name} ?</a></p>
</div>"#,
        href = escape(href),
    )
}
