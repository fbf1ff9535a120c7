//! Renderers: turn results into text or JSON. No analysis logic lives here.

pub mod inventory;
pub mod reach;
