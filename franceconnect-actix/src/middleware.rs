//! The middleware: puts the signed-in user and the routes' context into
//! every request's extensions, for the extractors.

use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::rc::Rc;

use actix_session::SessionExt;
use actix_web::Error;
use actix_web::HttpMessage;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::header::{ACCEPT, CACHE_CONTROL, HeaderValue};
use franceconnect_tower::web::adapter::{SIGNED_IN_CACHE_CONTROL, USER_KEY, UserStored, session_unavailable_response};
use franceconnect_tower::web::{AuthRoutes, Format};

use crate::convert;
use crate::session::ActixSession;

/// How to fix a session middleware that runs after this one.
const WRAP_ORDER: &str = "call `.wrap(FranceConnectMiddleware::new(routes))` before `.wrap(session_middleware(..))`: in actix-web the last `wrap` runs first, and the session must";

/// Loads the signed-in user from the session into the request extensions.
/// Wrap it *inside* the session middleware (call `.wrap` on it first).
#[derive(Clone, Debug)]
pub struct FranceConnectMiddleware {
    routes: AuthRoutes,
}

impl FranceConnectMiddleware {
    /// The middleware for these routes.
    pub fn new(routes: AuthRoutes) -> Self {
        Self { routes }
    }
}

impl<S, B> Transform<S, ServiceRequest> for FranceConnectMiddleware
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = FranceConnectMiddlewareService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(FranceConnectMiddlewareService {
            service: Rc::new(service),
            routes: Rc::new(self.routes.clone()),
        }))
    }
}

/// The service made by [`FranceConnectMiddleware`].
pub struct FranceConnectMiddlewareService<S> {
    service: Rc<S>,
    // One count to take per request, where the routes' fields have several.
    routes: Rc<AuthRoutes>,
}

impl<S, B> Service<ServiceRequest> for FranceConnectMiddlewareService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>>>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let service = self.service.clone();
        let routes = self.routes.clone();
        Box::pin(async move {
            if routes.matches(req.path()) {
                let res = service.call(req).await?;
                return Ok(check_session_order(&routes, res));
            }
            let signed_in = match routes.load_user(&ActixSession(req.get_session())).await {
                Ok(Some(user)) => {
                    req.extensions_mut().insert(*user);
                    true
                }
                // Signed out, lost or expired alike: an ordinary visitor.
                Ok(None) => false,
                Err(_) => {
                    let accept = req.headers().get(ACCEPT).and_then(|v| v.to_str().ok());
                    let res = convert::response(session_unavailable_response(Format::from_accept(accept)));
                    return Ok(req.into_response(res).map_into_right_body());
                }
            };
            req.extensions_mut().insert(routes.context().clone());
            if signed_in {
                // For the `AccessToken` extractor, which may renew the token.
                req.extensions_mut().insert(MiddlewareRoutes(routes.clone()));
            }
            let mut res = service.call(req).await?;
            if signed_in && !res.headers().contains_key(CACHE_CONTROL) {
                res.headers_mut()
                    .insert(CACHE_CONTROL, HeaderValue::from_static(SIGNED_IN_CACHE_CONTROL));
            }
            Ok(res.map_into_left_body())
        })
    }
}

/// The routes of the middleware that served a signed-in request, in its
/// extensions: what the `AccessToken` extractor renews tokens with.
#[derive(Clone)]
pub(crate) struct MiddlewareRoutes(pub(crate) Rc<AuthRoutes>);

/// The callback stored a user ([`UserStored`]); on its way back out through
/// this middleware, that user must still be in the session, which the
/// session middleware saves after us. If the session middleware runs inside
/// ours, it has already saved and emptied the session: every later request
/// would reach us before the session is loaded, and the person would go
/// round the login for ever. Said once, at the callback, from the server's
/// own state: no request header can lead here.
fn check_session_order<B>(routes: &AuthRoutes, res: ServiceResponse<B>) -> ServiceResponse<EitherBody<B>> {
    let stored = res.request().extensions().contains::<UserStored>();
    if stored && !res.request().get_session().contains_key(USER_KEY) {
        let error = convert::response(routes.session_order_error(WRAP_ORDER));
        return res.into_response(error).map_into_right_body();
    }
    res.map_into_left_body()
}
