//! The quickstart's pages and its `/api/me` JSON, shared by both frameworks.

use franceconnect_tower::web::{AuthContext, buttons};
use franceconnect_tower::{AgentIdentity, BirthDate, Birthplace, DatePrecision, Gender, Platform, SignedInUser};
use serde_json::{Value, json};

use crate::places::{country_name, department_name};

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
/// provider sent them (on FranceConnect the eight above, `null` when absent;
/// on ProConnect every claim sent), `acr` and `amr`.
pub fn api_me(user: &SignedInUser) -> Value {
    let mut me = serde_json::Map::new();
    if user.platform == Platform::ProConnect {
        me.extend(user.raw_claims.clone());
    } else {
        for claim in ME_CLAIMS {
            me.insert(
                claim.to_owned(),
                user.raw_claims.get(claim).cloned().unwrap_or(Value::Null),
            );
        }
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

/// The style sheet: system fonts, the State's blue, contrasts of at least
/// 4.5:1, a visible focus ring for keyboard users, one column on phones.
/// The platforms' buttons bring their own (`buttons::BUTTON_CSS`).
const STYLE: &str = r#"
*, *::before, *::after { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #161616; background: #fff; line-height: 1.5; }
a { color: #000091; }
a:focus-visible, button:focus-visible { outline: 2px solid #0a76f6; outline-offset: 2px; }
.skip { position: absolute; left: -100vw; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 1; }
header { border-bottom: 1px solid #ddd; }
.bar { max-width: 60rem; margin: 0 auto; padding: 1rem; display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: center; justify-content: space-between; }
.brand { font-weight: 700; line-height: 1.2; }
.brand small { display: block; font-weight: 400; color: #3a3a3a; }
nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; }
main { max-width: 60rem; margin: 0 auto; padding: 2rem 1rem 3rem; }
h1 { font-size: 2rem; line-height: 1.25; margin: 0 0 1rem; }
.lead { font-size: 1.125rem; }
.notice { border-left: 4px solid #000091; background: #f5f5fe; padding: .75rem 1rem; margin: 1.5rem 0; }
.identity { display: grid; grid-template-columns: minmax(10rem, 16rem) 1fr; margin: 0 0 2rem; border-top: 1px solid #ddd; }
.identity dt, .identity dd { margin: 0; padding: .6rem .5rem .6rem 0; border-bottom: 1px solid #ddd; }
.identity dt { font-weight: 700; }
.identity .hint { display: block; color: #3a3a3a; font-size: .875rem; }
.button { display: inline-block; font: inherit; font-weight: 500; background: #000091; color: #fff; border: 0; padding: .6rem 1.25rem; cursor: pointer; text-decoration: none; }
.button:hover { background: #1212ff; }
.button.secondary { background: #fff; color: #000091; box-shadow: inset 0 0 0 1px #000091; }
footer { border-top: 1px solid #ddd; color: #3a3a3a; font-size: .875rem; }
footer p { max-width: 60rem; margin: 0 auto; padding: 1rem; }
@media (max-width: 36rem) {
  h1 { font-size: 1.5rem; }
  .identity { grid-template-columns: 1fr; }
  .identity dt { border-bottom: 0; padding-bottom: 0; }
}
"#;

fn layout(title: &str, platform: Platform, signed_in: bool, body: &str) -> String {
    let account = if signed_in {
        r#"<li><a href="/profil">Mon identité</a></li><li><form method="post" action="/auth/logout"><button type="submit" class="button secondary">Se déconnecter</button></form></li>"#
    } else {
        r#"<li><a href="/profil">Mon espace</a></li>"#
    };
    format!(
        r##"<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — Démarche en ligne</title>
<style>{STYLE}{}</style>
</head>
<body>
<a class="skip" href="#contenu">Aller au contenu</a>
<header>
<div class="bar">
<div class="brand">Démarche en ligne<small>Exemple de service connecté à {platform}</small></div>
<nav aria-label="Menu principal"><ul><li><a href="/">Accueil</a></li>{account}</ul></nav>
</div>
</header>
<main id="contenu" tabindex="-1">
{body}
</main>
<footer><p>Service de démonstration : les identités viennent du fournisseur configuré (le simulateur local par défaut).</p></footer>
</body>
</html>
"##,
        buttons::BUTTON_CSS,
        title = escape(title),
        platform = escape(platform.display_name()),
    )
}

/// The home page: each platform's button (FranceConnect for citizens,
/// ProConnect for agents), or a greeting. `ctx` gives the login URLs.
pub fn home_page(user: Option<&SignedInUser>, ctx: &AuthContext, platforms: &[Platform]) -> String {
    let first = platforms.first().copied().unwrap_or(Platform::FranceConnect);
    let body = match user {
        Some(u) => format!(
            r#"<h1>Bonjour {given}</h1>
<p class="lead">Vous êtes connecté avec {name}, au niveau <strong>{level}</strong>.</p>
<p><a class="button" href="/profil">Voir mon identité</a></p>"#,
            name = escape(u.platform.display_name()),
            given = escape(u.claims.given_name.as_deref().unwrap_or("")),
            level = escape(&level_label(u.acr.as_str())),
        ),
        None => {
            let login = |p: Platform, to: &str| ctx.login_url_on(Some(p), Some(to), None);
            let mut sections = String::new();
            // FranceConnect+ is reached by a step-up from FranceConnect when
            // both are served: one citizens' button.
            let citizens = [Platform::FranceConnect, Platform::FranceConnectPlus]
                .into_iter()
                .find(|p| platforms.contains(p));
            if let Some(p) = citizens {
                sections.push_str(&format!(
                    r#"<h2>Particuliers</h2>
<p class="lead">Identifiez-vous avec un compte que vous possédez déjà (impots.gouv.fr, ameli.fr, l'Identité Numérique La Poste…) : vous n'avez pas à créer de compte ici.</p>
{}
<div class="notice"><p>En vous identifiant, vous autorisez ce service à recevoir votre identité (nom, prénoms, date et lieu de naissance, sexe) et votre adresse électronique.</p></div>"#,
                    buttons::login_button(p, &login(p, "/profil"))
                ));
            }
            if platforms.contains(&Platform::ProConnect) {
                sections.push_str(&format!(
                    r#"<h2>Agents et professionnels</h2>
<p class="lead">Identifiez-vous avec le compte de votre administration ou de votre entreprise : vous n'avez pas à créer de compte ici.</p>
{}
<div class="notice"><p>En vous identifiant, vous autorisez ce service à recevoir votre nom, votre adresse électronique professionnelle et votre établissement (SIRET).</p></div>"#,
                    buttons::login_button(Platform::ProConnect, &login(Platform::ProConnect, "/espace-agent"))
                ));
            }
            let title = if citizens.is_none() {
                "Accédez à votre espace agent"
            } else {
                "Accédez à votre espace"
            };
            format!("<h1>{title}</h1>\n{sections}")
        }
    };
    layout("Accueil", first, user.is_some(), &body)
}

/// A human label for an eIDAS level.
fn level_label(acr: &str) -> String {
    match acr {
        "eidas1" => "faible (eidas1)".into(),
        "eidas2" => "substantiel (eidas2)".into(),
        "eidas3" => "élevé (eidas3)".into(),
        "eidas0" => "déclaratif (eidas0)".into(),
        "eidas0-mfa" => "déclaratif, double authentification (eidas0-mfa)".into(),
        "eidas1-mfa" => "faible, double authentification (eidas1-mfa)".into(),
        "https://proconnect.gouv.fr/assurance/certification-dirigeant" => "dirigeant certifié".into(),
        other => other.into(),
    }
}

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// A birth date in words, saying when part of it is presumed.
fn birth_date_text(date: &BirthDate) -> (String, Option<&'static str>) {
    let month = date.month().and_then(|m| MONTHS.get(usize::from(m).wrapping_sub(1)));
    match (date.precision(), date.day(), month) {
        (DatePrecision::Day, Some(day), Some(month)) => {
            let day = if day == 1 { "1er".to_owned() } else { day.to_string() };
            let hint = date
                .may_be_presumed()
                .then_some("Le jour ou le mois peut être présumé : l'état civil ne les connaît peut-être pas.");
            (format!("{day} {month} {}", date.year()), hint)
        }
        (DatePrecision::Month, _, Some(month)) => (
            format!("{month} {}", date.year()),
            Some("Date présumée : le jour de naissance est inconnu."),
        ),
        _ => (
            date.year().to_string(),
            Some("Date présumée : le jour et le mois de naissance sont inconnus."),
        ),
    }
}

/// One `<dt>`/`<dd>` row, with an optional hint below the value.
fn push_row(rows: &mut String, label: &str, value: &str, hint: Option<&str>) {
    let hint = hint
        .map(|h| format!(r#"<span class="hint">{}</span>"#, escape(h)))
        .unwrap_or_default();
    rows.push_str(&format!("<dt>{}</dt><dd>{}{hint}</dd>\n", escape(label), escape(value)));
}

/// `/espace-agent` (and `/profil` for an agent): who the agent is, their
/// organisation, and the login's details.
pub fn agent_page(user: &SignedInUser, agent: &AgentIdentity) -> String {
    let mut rows = String::new();
    let mut row = |label: &str, value: &str, hint: Option<&str>| push_row(&mut rows, label, value, hint);
    let missing = "non transmis";
    row("Prénom", &agent.given_name, None);
    row("Nom", &agent.usual_name, None);
    row("Adresse électronique", &agent.email, None);
    if let Some(label) = &agent.organization_label {
        row("Organisation", label, None);
    }
    match &agent.siret {
        Some(siret) => row(
            "SIRET",
            siret.as_str(),
            Some(&format!("SIREN de l'organisation : {}", siret.siren())),
        ),
        None => row("SIRET", missing, None),
    }
    if let Some(unit) = &agent.organizational_unit {
        row("Service", unit, None);
    }
    if let Some(phone) = &agent.phone_number {
        row("Téléphone", phone, None);
    }
    if !agent.roles.is_empty() {
        let roles = agent.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ");
        row("Rôles", &roles, None);
    }
    row("Niveau de sécurité", &level_label(user.acr.as_str()), None);
    row(
        "Identifiant (sub)",
        &user.sub,
        Some("Le même pour tous les services : propre au compte ProConnect."),
    );
    layout(
        "Mon espace agent",
        user.platform,
        true,
        &format!(
            r#"<h1>Mon espace agent</h1>
<p class="lead">Voici ce que ProConnect a transmis à ce service.</p>
<dl class="identity">
{rows}</dl>
<p><a href="/espace-agent/double-authentification">Accéder à l'espace sécurisé</a> (double authentification)</p>"#
        ),
    )
}

/// `/espace-agent/double-authentification`: a page for agents who signed in
/// with a second factor.
pub fn agent_mfa_page(user: &SignedInUser, agent: &AgentIdentity) -> String {
    layout(
        "Espace sécurisé",
        user.platform,
        true,
        &format!(
            "<h1>Espace sécurisé</h1>\n<p class=\"lead\">{} {}, vous vous êtes connecté avec une double authentification ({}).</p>",
            escape(&agent.given_name),
            escape(&agent.usual_name),
            escape(&level_label(user.acr.as_str())),
        ),
    )
}

/// The protected page: every field of the pivot identity with a human
/// label, then the e-mail and the login's details; for an agent, the
/// agent's page.
pub fn profile_page(user: &SignedInUser) -> String {
    if let Some(agent) = user.agent_identity() {
        return agent_page(user, &agent);
    }
    let c = &user.claims;
    let mut rows = String::new();
    let mut row = |label: &str, value: &str, hint: Option<&str>| push_row(&mut rows, label, value, hint);
    let missing = "non transmis";
    let given = c
        .given_name
        .as_deref()
        .map(|g| if g.is_empty() { "(sans prénom)" } else { g });
    row("Prénoms", given.unwrap_or(missing), None);
    row("Nom de naissance", c.family_name.as_deref().unwrap_or(missing), None);
    if let Some(usage) = &c.preferred_username {
        row("Nom d'usage", usage, None);
    }
    match &c.birthdate {
        Some(date) => {
            let (text, hint) = birth_date_text(date);
            row("Date de naissance", &text, hint);
        }
        None => row("Date de naissance", missing, None),
    }
    let gender = match c.gender {
        Some(Gender::Female) => "Féminin",
        Some(Gender::Male) => "Masculin",
        Some(Gender::Unspecified) => "Non précisé",
        _ => missing,
    };
    row("Sexe", gender, None);
    match &c.birthplace {
        Some(Birthplace::Commune(commune)) => {
            let hint = department_name(commune.department())
                .map(|d| format!("Code INSEE de la commune, département : {d} ({})", commune.department()));
            row(
                "Lieu de naissance",
                commune.as_str(),
                Some(hint.as_deref().unwrap_or("Code INSEE de la commune")),
            );
        }
        Some(Birthplace::Abroad) => row(
            "Lieu de naissance",
            "né·e hors de France",
            Some("Pas de commune française"),
        ),
        Some(place) => row(
            "Lieu de naissance",
            place.as_str(),
            Some("Tel que transmis par le pays européen de la personne (connexion eIDAS)"),
        ),
        None => row("Lieu de naissance", missing, None),
    }
    match &c.birthcountry {
        Some(country) => {
            let hint = country_name(country.as_str()).map(|n| format!("Code INSEE du pays : {n}"));
            row(
                "Pays de naissance",
                country.as_str(),
                Some(hint.as_deref().unwrap_or("Code INSEE du pays")),
            );
        }
        None => row("Pays de naissance", missing, None),
    }
    row("Adresse électronique", c.email.as_deref().unwrap_or(missing), None);
    row("Niveau de sécurité", &level_label(user.acr.as_str()), None);
    if let Some(amr) = &user.amr {
        let methods = amr.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(", ");
        row("Méthodes d'authentification", &methods, None);
    }
    row(
        "Identifiant (sub)",
        &user.sub,
        Some("Propre à ce service : un autre service ne reçoit pas le même."),
    );
    layout(
        "Mon identité",
        user.platform,
        true,
        &format!(
            r#"<h1>Mon identité</h1>
<p class="lead">Voici ce que {name} a transmis à ce service.</p>
<dl class="identity">
{rows}</dl>
<p><a href="/niveau-eleve">Accéder à l'espace à haut niveau de sécurité</a></p>
<p><a href="/action-sensible">Effectuer une action sensible</a> (authentification de moins de {RECENT_LOGIN_MINUTES} minutes)</p>"#,
            name = escape(user.platform.display_name()),
        ),
    )
}

/// How recent an authentication `/action-sensible` asks for, in minutes.
pub const RECENT_LOGIN_MINUTES: u64 = 5;

/// `/action-sensible`: a page that needs an authentication of the last few
/// minutes, as a sensitive action would (a payment, a change of address).
pub fn recent_login_page(user: &SignedInUser) -> String {
    layout(
        "Action sensible",
        user.platform,
        true,
        &format!(
            "<h1>Action sensible</h1>\n<p class=\"lead\">Vous vous êtes authentifié il y a moins de {RECENT_LOGIN_MINUTES} minutes, au niveau <strong>{}</strong> ({}).</p>",
            escape(user.acr.as_str()),
            escape(&level_label(user.acr.as_str())),
        ),
    )
}

/// `/niveau-eleve`: the page that needs eIDAS high.
pub fn step_up_page(user: &SignedInUser) -> String {
    layout(
        "Espace à haut niveau de sécurité",
        user.platform,
        true,
        &format!(
            "<h1>Espace à haut niveau de sécurité</h1>\n<p class=\"lead\">Vous y accédez avec le niveau <strong>{}</strong> ({}).</p>",
            escape(user.acr.as_str()),
            escape(&level_label(user.acr.as_str())),
        ),
    )
}
