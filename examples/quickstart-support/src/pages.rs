//! The quickstart's pages and its `/api/me` JSON, shared by both frameworks.

use franceconnect_tower::{Platform, SignedInUser};
use serde_json::{Value, json};

/// The claims `/api/me` returns, as the provider sent them.
const ME_CLAIMS: [&str; 8] = [
    "given_name",
    "family_name",
    "birthdate",
    "gender",
    "birthplace",
    "birthcountry",
    "email",
    "preferred_username",
];

/// `GET /api/me` for a signed-in user: `sub`, the identity claims as the
/// provider sent them (`null` when absent), `acr` and `amr`.
pub fn api_me(user: &SignedInUser) -> Value {
    let mut me = serde_json::Map::new();
    for claim in ME_CLAIMS {
        me.insert(
            claim.to_owned(),
            user.raw_claims.get(claim).cloned().unwrap_or(Value::Null),
        );
    }
    me.insert("sub".into(), user.sub.clone().into());
    me.insert("acr".into(), user.acr.as_str().into());
    me.insert(
        "amr".into(),
        user.amr
            .as_ref()
            .map_or(Value::Null, |a| a.iter().map(|m| Value::from(m.as_str())).collect()),
    );
    Value::Object(me)
}

/// `GET /api/me` without a signed-in user (401).
pub fn not_signed_in_json() -> Value {
    json!({ "error": "not_signed_in", "message": "Vous devez vous identifier." })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn layout(title: &str, body: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 46rem; margin: 3rem auto; padding: 0 1rem; color: #161616; }}
h1 {{ color: #000091; font-size: 1.6rem; }}
.fc-button {{ display: inline-block; background: #000091; color: #fff; padding: .8rem 1.4rem; font-weight: 700; text-decoration: none; border: 0; cursor: pointer; font-size: 1rem; }}
.fc-button:hover, .fc-button:focus {{ background: #1212ff; }}
table {{ border-collapse: collapse; }} th, td {{ text-align: left; padding: .3rem .8rem .3rem 0; border-bottom: 1px solid #ddd; }}
nav a {{ margin-right: 1rem; }}
</style>
</head>
<body>
<nav><a href="/">Accueil</a><a href="/profil">Mon identité</a><a href="/api/me">/api/me</a></nav>
<main>
{body}
</main>
</body>
</html>
"#,
        title = escape(title)
    )
}

fn logout_form() -> &'static str {
    r#"<form method="post" action="/auth/logout"><button type="submit" class="fc-button">Se déconnecter</button></form>"#
}

/// The home page: the FranceConnect button, or a greeting and the logout
/// button.
pub fn home_page(user: Option<&SignedInUser>, platform: Platform) -> String {
    let name = platform.display_name();
    let body = match user {
        Some(u) => format!(
            r#"<h1>Bonjour {}</h1>
<p>Vous êtes connecté avec {name} (niveau <strong>{}</strong>).</p>
<p><a href="/profil">Voir mon identité</a></p>
{}"#,
            escape(u.claims.given_name.as_deref().unwrap_or("")),
            u.acr,
            logout_form()
        ),
        None => format!(
            r#"<h1>Démarche en ligne</h1>
<p>Identifiez-vous pour accéder à votre espace.</p>
<p><a class="fc-button" href="/auth/login?return_to=%2Fprofil">S'identifier avec {name}</a></p>
<p><a href="https://franceconnect.gouv.fr/" rel="noopener">Qu'est-ce que {name} ?</a></p>"#
        ),
    };
    layout("Accueil", &body)
}

/// The protected page: the signed-in user's identity.
pub fn profile_page(user: &SignedInUser) -> String {
    let mut rows = String::new();
    let mut row = |label: &str, value: String| {
        rows.push_str(&format!(
            "<tr><th>{}</th><td>{}</td></tr>\n",
            escape(label),
            escape(&value)
        ));
    };
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) if s.is_empty() => "(vide)".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => "(non transmis)".to_owned(),
    };
    for (label, claim) in [
        ("Prénoms", "given_name"),
        ("Nom de naissance", "family_name"),
        ("Nom d'usage", "preferred_username"),
        ("Date de naissance", "birthdate"),
        ("Sexe", "gender"),
        ("Commune de naissance (code INSEE)", "birthplace"),
        ("Pays de naissance (code INSEE)", "birthcountry"),
        ("Courriel", "email"),
    ] {
        row(label, text(user.raw_claims.get(claim)));
    }
    if user.claims.birthdate.as_ref().is_some_and(|d| d.may_be_presumed()) {
        row(
            "Remarque",
            "la date de naissance peut être présumée (jour ou mois inconnu)".into(),
        );
    }
    row("Niveau eIDAS", user.acr.to_string());
    if let Some(amr) = &user.amr {
        row(
            "Méthodes d'authentification",
            amr.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(", "),
        );
    }
    row("Identifiant (sub)", user.sub.clone());
    layout(
        "Mon identité",
        &format!(
            "<h1>Mon identité</h1>\n<table>\n{rows}</table>\n<p>{}</p>",
            logout_form()
        ),
    )
}

/// The page that requires eIDAS high (step-up).
pub fn step_up_page(user: &SignedInUser) -> String {
    layout(
        "Espace à haut niveau de sécurité",
        &format!(
            "<h1>Espace à haut niveau de sécurité</h1><p>Vous y accédez avec le niveau <strong>{}</strong>.</p>",
            user.acr
        ),
    )
}
