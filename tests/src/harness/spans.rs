//! What the engine's `tracing` spans and events said, captured for the
//! tests that check them (the login's, the resource server's): each span's
//! name and fields, each event's fields; never formatted output, so that a
//! test can look for a secret in every field.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

/// The fields of one span or event, as text.
pub type Fields = BTreeMap<String, String>;

/// What the engine's spans and events said.
#[derive(Clone, Default)]
pub struct Captured {
    /// Each span, in creation order: its name and fields.
    pub spans: Arc<Mutex<Vec<(String, Fields)>>>,
    /// Where each live span is in `spans` (ids are reused once closed).
    live: Arc<Mutex<HashMap<u64, usize>>>,
    /// The engine's events' fields, messages included.
    pub events: Arc<Mutex<Vec<Fields>>>,
}

struct FieldText<'a>(&'a mut Fields);

impl Visit for FieldText<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

fn is_engine(target: &str) -> bool {
    target.starts_with("franceconnect_tower")
}

impl<S: Subscriber> Layer<S> for Captured {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        if !is_engine(attrs.metadata().target()) {
            return;
        }
        let mut fields = Fields::new();
        attrs.record(&mut FieldText(&mut fields));
        let mut spans = self.spans.lock().unwrap();
        self.live.lock().unwrap().insert(id.into_u64(), spans.len());
        spans.push((attrs.metadata().name().to_owned(), fields));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        let Some(&at) = self.live.lock().unwrap().get(&id.into_u64()) else {
            return;
        };
        values.record(&mut FieldText(&mut self.spans.lock().unwrap()[at].1));
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        if is_engine(event.metadata().target()) {
            let mut fields = Fields::new();
            event.record(&mut FieldText(&mut fields));
            self.events.lock().unwrap().push(fields);
        }
    }

    fn on_close(&self, id: Id, _: Context<'_, S>) {
        self.live.lock().unwrap().remove(&id.into_u64());
    }
}
