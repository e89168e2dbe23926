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
use franceconnect_tower::web::{AuthRoutes, Format, SIGNED_IN_CACHE_CONTROL, session_unavailable_response};

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
            let mut signed_in = false;
            if !routes.matches(req.path()) {
                match routes.load_user(&ActixSession(req.get_session())).await {
                    Ok(Some(user)) => {
                        req.extensions_mut().insert(*user);
                        signed_in = true;
                    }
                    Ok(None) => {
                        // Only the cookies matter to the check: no copy of
                        // every header for every anonymous request.
                        let mut cookies = http::HeaderMap::new();
                        for value in req.headers().get_all(actix_web::http::header::COOKIE) {
                            if let Ok(value) = http::HeaderValue::from_bytes(value.as_bytes()) {
                                cookies.append(http::header::COOKIE, value);
                            }
                        }
                        if let Some(res) = routes.session_set_up_error(&cookies, WRAP_ORDER) {
                            return Ok(req.into_response(convert::response(res)).map_into_right_body());
                        }
                    }
                    Err(_) => {
                        let accept = req.headers().get(ACCEPT).and_then(|v| v.to_str().ok());
                        let res = convert::response(session_unavailable_response(Format::from_accept(accept)));
                        return Ok(req.into_response(res).map_into_right_body());
                    }
                }
            }
            req.extensions_mut().insert(routes.context().clone());
            let mut res = service.call(req).await?;
            if signed_in && !res.headers().contains_key(CACHE_CONTROL) {
                res.headers_mut()
                    .insert(CACHE_CONTROL, HeaderValue::from_static(SIGNED_IN_CACHE_CONTROL));
            }
            Ok(res.map_into_left_body())
        })
    }
}
