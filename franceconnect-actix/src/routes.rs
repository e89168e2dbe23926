//! Mounting the FranceConnect routes on an actix-web app.

use actix_session::SessionExt;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use franceconnect_tower::web::AuthRoutes;
use franceconnect_tower::web::adapter::UserStored;

use crate::convert;
use crate::session::ActixSession;

/// Mounts the routes of `routes` under their prefix (default `/auth`):
/// `App::new().configure(configure(routes))`. Needs the session middleware
/// ([`session_middleware`](crate::session_middleware)).
pub fn configure(routes: AuthRoutes) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        let prefix = routes.context().prefix().to_owned();
        cfg.service(
            web::scope(&prefix)
                .app_data(web::Data::new(routes))
                .default_service(web::to(handle)),
        );
    }
}

async fn handle(req: HttpRequest, routes: web::Data<AuthRoutes>) -> HttpResponse {
    let session = ActixSession(req.get_session());
    let Some((method, uri)) = convert::method_and_uri(&req) else {
        return HttpResponse::MethodNotAllowed().finish();
    };
    let headers = convert::headers(req.headers());
    let res = routes.handle(&method, &uri, &headers, &session).await;
    // For the middleware's check on the way out (see `middleware.rs`).
    if let Some(stored) = res.extensions().get::<UserStored>() {
        req.extensions_mut().insert(*stored);
    }
    convert::response(res)
}
