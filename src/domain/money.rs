//! Money as an integer count of a currency's minor units, parsed and formatted with ISO 4217 exponents.
//!
//! Never a float: 1050 in SGD is 10.50, 1050 in JPY is 1,050, 1050 in KWD is 1.050.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISO 4217 code this build knows, with its number of decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(iso_currency::Currency);

impl Currency {
    /// The team's home currency, and the fallback where a fixed table names one.
    pub const SGD: Currency = Currency(iso_currency::Currency::SGD);

    /// Accepts upper-case ISO 4217 codes of currencies that have minor units defined.
    pub fn parse(code: &str) -> Result<Currency, MoneyError> {
        let code = code.trim();
        let currency = iso_currency::Currency::from_code(code)
            .ok_or_else(|| MoneyError::UnknownCurrency(code.to_string()))?;
        // Precious metals and fund codes have no minor unit; money at risk is never one of them.
        if currency.exponent().is_none() {
            return Err(MoneyError::UnknownCurrency(code.to_string()));
        }
        Ok(Currency(currency))
    }

    pub fn code(self) -> String {
        self.0.code().to_string()
    }

    /// Digits after the decimal point: 2 for SGD, 0 for JPY, 3 for KWD.
    pub fn exponent(self) -> u32 {
        u32::from(self.0.exponent().unwrap_or(0))
    }
}

impl TryFrom<String> for Currency {
    type Error = MoneyError;
    fn try_from(code: String) -> Result<Self, Self::Error> {
        Currency::parse(&code)
    }
}

impl From<Currency> for String {
    fn from(currency: Currency) -> Self {
        currency.code()
    }
}

/// An amount in minor units of one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("'{0}' is not an ISO 4217 currency code such as SGD, USD or JPY")]
    UnknownCurrency(String),
    #[error("enter an amount")]
    Empty,
    #[error("'{0}' is not a number; use digits, an optional decimal point and optional commas")]
    NotANumber(String),
    #[error("{currency} has {exponent} decimal place(s); '{text}' has more")]
    TooManyDecimals {
        text: String,
        currency: String,
        exponent: u32,
    },
    #[error("money at risk cannot be negative")]
    Negative,
    #[error("'{0}' is too large to store exactly")]
    TooLarge(String),
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    /// Parses what a person types: "84,000", "10.5", "1 234.50". Commas, spaces and
    /// apostrophes group thousands; exactly one '.' separates decimals.
    pub fn parse(text: &str, currency: Currency) -> Result<Money, MoneyError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(MoneyError::Empty);
        }
        if trimmed.starts_with('-') {
            return Err(MoneyError::Negative);
        }
        let digits: String = trimmed
            .chars()
            .filter(|c| !matches!(c, ',' | ' ' | '\'' | '_'))
            .collect();
        let (whole, fraction) = match digits.split_once('.') {
            Some((w, f)) => (w, f),
            None => (digits.as_str(), ""),
        };
        let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && fraction.is_empty()) || !is_digits(whole) || !is_digits(fraction) {
            return Err(MoneyError::NotANumber(trimmed.to_string()));
        }
        let exponent = currency.exponent();
        let fraction = fraction.trim_end_matches('0');
        if fraction.len() as u32 > exponent {
            return Err(MoneyError::TooManyDecimals {
                text: trimmed.to_string(),
                currency: currency.code(),
                exponent,
            });
        }
        let too_large = || MoneyError::TooLarge(trimmed.to_string());
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| too_large())?
        };
        let scale = 10i64.pow(exponent);
        let padded = format!("{fraction:0<width$}", width = exponent as usize);
        let fraction: i64 = if padded.is_empty() {
            0
        } else {
            padded.parse().map_err(|_| too_large())?
        };
        let minor = whole
            .checked_mul(scale)
            .and_then(|m| m.checked_add(fraction))
            .ok_or_else(too_large)?;
        Ok(Money { minor, currency })
    }

    /// The amount without the code, grouped in thousands: "84,000.00", "1,050", "1.050".
    pub fn amount_text(&self) -> String {
        let exponent = self.currency.exponent();
        let scale = 10u64.pow(exponent);
        let magnitude = self.minor.unsigned_abs();
        let whole = group_thousands(magnitude / scale);
        let sign = if self.minor < 0 { "-" } else { "" };
        if exponent == 0 {
            format!("{sign}{whole}")
        } else {
            format!(
                "{sign}{whole}.{:0width$}",
                magnitude % scale,
                width = exponent as usize
            )
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency.code(), self.amount_text())
    }
}

fn group_thousands(mut n: u64) -> String {
    let mut groups = Vec::new();
    loop {
        if n < 1000 {
            groups.push(n.to_string());
            break;
        }
        groups.push(format!("{:03}", n % 1000));
        n /= 1000;
    }
    groups.reverse();
    groups.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    fn check(text: &str, code: &str, expected: Result<i64, &str>) {
        let got = Money::parse(text, cur(code));
        match expected {
            Ok(minor) => assert_eq!(got, Ok(Money::new(minor, cur(code))), "{text} {code}"),
            Err(fragment) => {
                let message = got.expect_err(text).to_string();
                assert!(message.contains(fragment), "{text} {code}: {message}");
            }
        }
    }

    #[test]
    fn exponents_come_from_iso_4217() {
        assert_eq!(cur("SGD").exponent(), 2);
        assert_eq!(cur("JPY").exponent(), 0);
        assert_eq!(cur("KWD").exponent(), 3);
        assert_eq!(cur("BHD").exponent(), 3);
        assert_eq!(cur("KRW").exponent(), 0);
        assert_eq!(cur("CLF").exponent(), 4);
    }

    #[test]
    fn unknown_and_unit_less_codes_are_refused() {
        for code in ["SGX", "usd", "", "EURO", "XAU"] {
            assert!(
                matches!(Currency::parse(code), Err(MoneyError::UnknownCurrency(_))),
                "{code}"
            );
        }
    }

    #[test]
    fn parsing_table() {
        check("10.50", "SGD", Ok(1050));
        check("10.5", "SGD", Ok(1050));
        check("84,000", "SGD", Ok(8_400_000));
        check("1 234.56", "USD", Ok(123_456));
        check(".5", "USD", Ok(50));
        check("7.", "USD", Ok(700));
        check("10.50", "JPY", Err("JPY has 0 decimal"));
        check("10.00", "JPY", Ok(10));
        check("1050", "JPY", Ok(1050));
        check("1.050", "KWD", Ok(1050));
        check("1.0505", "KWD", Err("KWD has 3 decimal"));
        check("10.505", "SGD", Err("SGD has 2 decimal"));
        check("", "SGD", Err("enter an amount"));
        check("-5", "SGD", Err("cannot be negative"));
        check("1.2.3", "SGD", Err("not a number"));
        check("12abc", "SGD", Err("not a number"));
        check("1e5", "SGD", Err("not a number"));
        check(".", "SGD", Err("not a number"));
        check("92233720368547758.08", "SGD", Err("too large"));
        check("92233720368547758.07", "SGD", Ok(i64::MAX));
    }

    #[test]
    fn formatting_table() {
        let show = |minor: i64, code: &str| Money::new(minor, cur(code)).to_string();
        assert_eq!(show(1050, "SGD"), "SGD 10.50");
        assert_eq!(show(8_400_000, "SGD"), "SGD 84,000.00");
        assert_eq!(show(1050, "JPY"), "JPY 1,050");
        assert_eq!(show(1050, "KWD"), "KWD 1.050");
        assert_eq!(show(5, "USD"), "USD 0.05");
        assert_eq!(show(0, "USD"), "USD 0.00");
        assert_eq!(show(-123_456, "USD"), "USD -1,234.56");
        assert_eq!(show(41_288_000, "USD"), "USD 412,880.00");
    }

    #[test]
    fn money_serialises_with_its_code() {
        let json = serde_json::to_string(&Money::new(1050, cur("KWD"))).unwrap();
        assert_eq!(json, r#"{"minor":1050,"currency":"KWD"}"#);
        assert!(serde_json::from_str::<Money>(r#"{"minor":1,"currency":"ZZZ"}"#).is_err());
    }

    // proptest is a native-only dev-dependency; the wasm test build skips these.
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn format_then_parse_is_identity(minor in 0i64..=i64::MAX, pick in 0usize..5) {
            let currency = cur(["SGD", "JPY", "KWD", "USD", "CLF"][pick]);
            let money = Money::new(minor, currency);
            proptest::prop_assert_eq!(Money::parse(&money.amount_text(), currency), Ok(money));
        }
    }
}
