//! Pure pieces of the shared components that only build for the browser: the virtual rows' window, the order of draft writes.
use super::*;
use escalation_desk::app::drafts::DraftOrder;
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

#[wasm_bindgen_test]
fn a_draft_write_that_wakes_after_a_later_one_began_is_dropped() {
    let order = DraftOrder::default();
    let older = order.turn();
    let newer = order.turn();
    assert!(order.begin(newer));
    assert!(
        !order.begin(older),
        "older text must not be written over newer"
    );
}

#[wasm_bindgen_test]
fn draft_writes_that_wake_in_order_all_begin() {
    let order = DraftOrder::default();
    let first = order.turn();
    let second = order.turn();
    assert!(order.begin(first));
    assert!(order.begin(second));
}

#[wasm_bindgen_test]
fn superseding_drops_every_draft_write_asked_before_it_and_none_after() {
    let order = DraftOrder::default();
    let before = order.turn();
    // A clone shares the order: the form's saver and its save button hold one each.
    order.clone().supersede();
    let after = order.turn();
    assert!(!order.begin(before));
    assert!(order.begin(after));
}
