//! Renderers: turn results into text or JSON. No analysis logic lives here.

pub mod audit;
pub mod inventory;
pub mod reach;
pub mod sarif;
