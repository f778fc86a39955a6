//! Pure pieces of the shared components that only build for the browser: the virtual rows' window.
use super::*;
use escalation_desk::ui::components::virtual_rows::{RowWindow, row_window};

#[wasm_bindgen_test]
fn the_row_window_draws_what_is_in_view_and_never_leaves_the_list() {
    // 41 px rows in a 410 px box, 8 rows of margin: at the top, 10 in view + 16 of margin.
    assert_eq!(
        row_window(0.0, 410.0, 41.0, 8, 10_000),
        RowWindow {
            first: 0,
            last: 26,
            total: 10_000
        }
    );
    // Scrolled to row 100: the margin above is drawn too.
    assert_eq!(
        row_window(4100.0, 410.0, 41.0, 8, 10_000),
        RowWindow {
            first: 92,
            last: 118,
            total: 10_000
        }
    );
    // A scroll position left over from a longer list never starts past the end.
    assert_eq!(
        row_window(4100.0, 410.0, 41.0, 8, 30),
        RowWindow {
            first: 30,
            last: 30,
            total: 30
        }
    );
    // Nothing to draw, odd measurements: nothing breaks, nothing is drawn past the end.
    assert_eq!(
        row_window(0.0, 410.0, 41.0, 8, 0),
        RowWindow {
            first: 0,
            last: 0,
            total: 0
        }
    );
    for odd in [f64::NAN, f64::INFINITY, -5.0, 1e300] {
        let w = row_window(odd, odd, 41.0, 8, 50);
        assert!(w.first <= w.last && w.last <= w.total, "{odd}: {w:?}");
    }
    let zero_height = row_window(100.0, 410.0, 0.0, 8, 50);
    assert!(zero_height.last <= 50);
}
