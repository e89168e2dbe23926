use super::*;
use crate::{CallbackParams, LoginOptions};

/// A whole login on `platform`'s embedded provider, through the engine:
/// the authorize URL followed to the callback, the code exchanged.
async fn sign_in(mock: &EmbeddedMock, platform: Platform) -> crate::SignedInUser {
    let routes = mock.routes();
    let fc = routes.engine(platform).expect("the platform is served");
    let (url, pending) = fc.begin_login(LoginOptions::default()).await.unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .unwrap();
    let answer = http.get(url).send().await.unwrap();
    let callback = answer.headers()["location"].to_str().unwrap().to_owned();
    let callback = url::Url::parse(&callback).unwrap();
    let expected = fc.config().redirect_uri();
    assert_eq!(
        callback.path(),
        expected.path(),
        "the provider returns to the routes' callback"
    );
    let params = CallbackParams::from_query(callback.query().unwrap());
    fc.complete_login(&params, &pending).await.unwrap()
}

#[tokio::test]
async fn one_platform_is_served_under_auth_and_signs_in() {
    let app: SocketAddr = "127.0.0.1:4321".parse().unwrap();
    let mock = EmbeddedMock::start(app, &[Platform::FranceConnect]).await.unwrap();
    assert_eq!(mock.app_url(), "http://localhost:4321");
    assert_eq!(mock.routes().context().prefix(), "/auth");
    mock.provider(Platform::FranceConnect)
        .unwrap()
        .auto_approve(Some("default"), None);
    let user = sign_in(&mock, Platform::FranceConnect).await;
    assert!(user.pivot_identity().is_some());
    mock.shutdown().await;
}

#[tokio::test]
async fn several_platforms_each_under_their_own_path_and_encrypted_where_due() {
    let app: SocketAddr = "127.0.0.1:4322".parse().unwrap();
    let all = [
        Platform::FranceConnect,
        Platform::FranceConnectPlus,
        Platform::ProConnect,
    ];
    let mock = EmbeddedMock::start(app, &all).await.unwrap();
    let routes = mock.routes();
    assert_eq!(routes.platforms(), all);
    for platform in all {
        let prefix = format!("/auth/{}", platform.setting());
        assert_eq!(routes.context().platform_prefix(platform), Some(prefix.as_str()));
        routes.engine(platform).unwrap().check().await.unwrap();
    }
    // FranceConnect+ encrypts to the keys generated for this run.
    mock.provider(Platform::FranceConnectPlus)
        .unwrap()
        .auto_approve(Some("default"), None);
    let user = sign_in(&mock, Platform::FranceConnectPlus).await;
    assert_eq!(user.platform, Platform::FranceConnectPlus);
}

#[tokio::test]
async fn each_platform_once() {
    let app: SocketAddr = "127.0.0.1:4323".parse().unwrap();
    for platforms in [&[][..], &[Platform::ProConnect, Platform::ProConnect][..]] {
        assert!(matches!(
            EmbeddedMock::start(app, platforms).await,
            Err(EmbeddedMockError::Platforms)
        ));
    }
}
