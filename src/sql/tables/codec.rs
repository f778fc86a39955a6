//! One table's rows as one string between the page and the SQL worker, and the walk that reads them back without an allocation per cell.

use super::Cell;

/// One table's rows as one string: every cell in column order, `n` for NULL, `i<integer>;`,
/// `r<real>;` or `t<byte length>:<text>`. Parsing it is a walk with no allocation per cell,
/// where JSON (SQLite's reader or serde's) took most of the load time.
pub fn encode_rows(rows: &[Vec<Cell>]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for row in rows {
        for cell in row {
            // Writing into a String cannot fail.
            let _ = match cell {
                Cell::Null => write!(out, "n"),
                Cell::Int(n) => write!(out, "i{n};"),
                Cell::Real(x) => write!(out, "r{x};"),
                Cell::Text(t) => write!(out, "t{}:{t}", t.len()),
            };
        }
    }
    out
}

/// A cell borrowed from an encoded table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellRef<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
}

/// `text[from..to]`, or the place where the transfer text is damaged.
fn slice<E: From<String>>(text: &str, from: usize, to: usize) -> Result<&str, E> {
    text.get(from..to)
        .ok_or_else(|| E::from(format!("byte {from}: a value splits a character")))
}

/// Calls `row` with each row of `width` cells from `encode_rows` text; returns the row count,
/// or where the text is damaged.
pub fn decode_rows<'a, E: From<String>>(
    text: &'a str,
    width: usize,
    mut row: impl FnMut(&[CellRef<'a>]) -> Result<(), E>,
) -> Result<usize, E> {
    let bytes = text.as_bytes();
    let mut at = 0;
    let mut cells: Vec<CellRef<'a>> = Vec::with_capacity(width);
    let mut rows = 0;
    let damaged = |at: usize, why: &str| E::from(format!("byte {at}: {why}"));
    while let Some(&tag) = bytes.get(at) {
        at += 1;
        let until = |stop: u8, at: usize| {
            bytes
                .get(at..)
                .unwrap_or_default()
                .iter()
                .position(|b| *b == stop)
                .map(|i| at + i)
                .ok_or_else(|| damaged(at, "a number is not terminated"))
        };
        let cell = match tag {
            b'n' => CellRef::Null,
            b'i' => {
                let end = until(b';', at)?;
                let n = slice(text, at, end)?
                    .parse()
                    .map_err(|_| damaged(at, "not an integer"))?;
                at = end + 1;
                CellRef::Int(n)
            }
            b'r' => {
                let end = until(b';', at)?;
                let x = slice(text, at, end)?
                    .parse()
                    .map_err(|_| damaged(at, "not a number"))?;
                at = end + 1;
                CellRef::Real(x)
            }
            b't' => {
                let colon = until(b':', at)?;
                let len: usize = slice(text, at, colon)?
                    .parse()
                    .map_err(|_| damaged(at, "not a length"))?;
                let start = colon + 1;
                let value = text.get(start..start + len).ok_or_else(|| {
                    damaged(start, "text runs past the end or splits a character")
                })?;
                at = start + len;
                CellRef::Text(value)
            }
            _ => return Err(damaged(at - 1, "unknown cell type")),
        };
        cells.push(cell);
        if cells.len() == width {
            row(&cells)?;
            cells.clear();
            rows += 1;
        }
    }
    if !cells.is_empty() {
        return Err(damaged(at, "the last row is short"));
    }
    Ok(rows)
}
