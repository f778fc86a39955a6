//! Tells async work whether the component that started it is still on screen.

use leptos::prelude::*;

/// Made in a component's body; reports `false` once that component has been unmounted.
///
/// A read or a save can answer after the person has moved to another page. Reading a signal
/// of an unmounted component panics, and navigating on its behalf would pull the person back,
/// so work that resumes after an `.await` asks this before touching the component.
#[derive(Clone, Copy)]
pub struct Mounted(StoredValue<()>);

impl Mounted {
    /// Ties the token to the component being built now (the current reactive owner).
    pub fn new() -> Mounted {
        Mounted(StoredValue::new(()))
    }

    pub fn is_mounted(self) -> bool {
        !self.0.is_disposed()
    }
}
