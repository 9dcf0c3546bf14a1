//! The element's public API as data: its attributes, methods, DOM events,
//! CSS parts and custom properties, each with the type and text a web
//! developer reads. One source of truth: the element's methods and events
//! are named from here, and `cargo xtask dist` writes the TypeScript
//! declarations (`ctisvr-softphone.d.ts`) and the Custom Elements Manifest
//! (`custom-elements.json`, schema 2.1) from these tables. Tests here check
//! the tables against the code: every attribute the settings read, every
//! method the script API takes, every event an [`Update`](crate::Update)
//! becomes and the keys of its detail.
//!
//! Types are TypeScript text. docs/element.md says the same in prose.

pub mod attributes;
pub mod events;
pub mod methods;
pub mod styling;

pub use attributes::{AttributeDoc, ATTRIBUTES};
pub use events::{dom_event, EventDoc, EVENTS, TYPE_DECLARATIONS};
pub use methods::{command, MethodDoc, ParameterDoc, METHODS};
pub use styling::{CssPartDoc, CssPropertyDoc, CSS_PARTS, CSS_PROPERTIES};

/// The element's tag name.
pub const TAG: &str = "ctisvr-softphone";

/// The element's class name in the TypeScript declarations and the manifest.
pub const CLASS: &str = "CtisvrSoftphoneElement";
