//! The starter playbooks: six payments escalation processes, written the way the team talks.

use chrono::{DateTime, TimeZone, Utc};
use uuid::Uuid;

use super::playbooks::{Playbook, PlaybookContent, PlaybookStep, PlaybookVersion, Triggers};
use super::priority::Priority;

/// Fixed, so every device that installs the pack has the same ids and the same version 1.
fn pack_id(name: &str) -> Uuid {
    Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        format!("escalation-desk:playbook:{name}").as_bytes(),
    )
}

fn released() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()
}

fn step(id: &str, title: &str, instructions: &str) -> PlaybookStep {
    PlaybookStep {
        id: id.into(),
        title: title.into(),
        instructions: instructions.into(),
        template: None,
        evidence_required: false,
    }
}

fn with_template(mut s: PlaybookStep, template: &str) -> PlaybookStep {
    s.template = Some(template.into());
    s
}

fn with_evidence(mut s: PlaybookStep) -> PlaybookStep {
    s.evidence_required = true;
    s
}

fn playbook(
    name: &str,
    title: &str,
    description: &str,
    triggers: Triggers,
    steps: Vec<PlaybookStep>,
) -> Playbook {
    Playbook {
        id: pack_id(name),
        archived: false,
        revision: 1,
        versions: vec![PlaybookVersion {
            number: 1,
            author: "Escalation Desk starter pack".into(),
            at: released(),
            note: "Starter pack".into(),
            content: PlaybookContent {
                title: title.into(),
                description: description.into(),
                triggers,
                steps,
            },
        }],
    }
}

fn triggers(areas: &[&str], tags: &[&str], priorities: &[Priority]) -> Triggers {
    Triggers {
        product_areas: areas.iter().map(|s| s.to_string()).collect(),
        tags: tags.iter().map(|s| s.to_string()).collect(),
        priorities: priorities.to_vec(),
    }
}

pub fn starter_playbooks() -> Vec<Playbook> {
    use Priority::*;
    vec![
        playbook(
            "payout-held",
            "Payout delayed or held",
            "A merchant's payout is late, held by risk, or returned by the bank. The goal: funds moving, or a clear reason and date, within the day.",
            triggers(
                &["Payouts"],
                &["payouts", "payroll", "payout-held"],
                &[P1, P2],
            ),
            vec![
                with_template(
                    step(
                        "ack",
                        "Acknowledge and own it",
                        "Reply within the first-response target. Name yourself as the owner and give the time of the next update.",
                    ),
                    "ack-payout-held",
                ),
                with_evidence(step(
                    "locate",
                    "Find the payout and its state",
                    "Look up the payout id(s) in the admin console: **pending**, **in transit**, **held** or **returned**. Paste the payout id and state as evidence.",
                )),
                step(
                    "hold-reason",
                    "Read the hold reason",
                    "If held: note the hold code and who placed it (risk rule, manual review, negative balance). If returned: note the bank's return code (e.g. `R03`, `AC04`).",
                ),
                step(
                    "payroll-check",
                    "Check for payroll or rent impact",
                    "Ask whether the funds pay wages or rent this week. If so, raise the priority to P1 and say so on the case.",
                ),
                with_template(
                    step(
                        "risk-handoff",
                        "Hand off to Risk if a review holds it",
                        "Use **Hand off to a partner team** → Risk Operations. Ask one question: *what releases this payout, and by when?* Paste their ticket reference.",
                    ),
                    "handoff-request",
                ),
                with_template(
                    step(
                        "docs",
                        "Request documents if Risk needs them",
                        "Send the verification request and move the case to **Waiting on user**; the clock pauses until they reply.",
                    ),
                    "info-kyc",
                ),
                with_template(
                    step(
                        "update",
                        "Update the merchant at every promise",
                        "Never miss a promised update, even with no news. Say what changed and when you will write next.",
                    ),
                    "update-partner",
                ),
                with_evidence(step(
                    "confirm",
                    "Confirm the funds moved",
                    "Get the new payout id and expected arrival date. Paste them as evidence before resolving.",
                )),
                with_template(
                    step(
                        "resolve",
                        "Resolve with the summary",
                        "Write what held it, what released it, and what (if anything) the merchant should change.",
                    ),
                    "resolved-payout",
                ),
            ],
        ),
        playbook(
            "account-review",
            "Account under review or closed",
            "An account is frozen, under review, or closed by risk. We cannot overrule risk, but we owe the merchant a clear path and honest dates.",
            triggers(
                &["Risk/verification"],
                &["risk-review", "kyc", "account-closed"],
                &[P1, P2],
            ),
            vec![
                with_template(
                    step(
                        "ack",
                        "Acknowledge without speculating",
                        "Confirm we are looking into it. Do not guess at reasons or outcomes in writing.",
                    ),
                    "ack-escalation",
                ),
                with_evidence(step(
                    "status",
                    "Read the review status and reason code",
                    "From the risk console: review type (KYC, fraud, credit), opened date, reason code. Paste them as evidence.",
                )),
                step(
                    "exposure",
                    "Size the exposure",
                    "Balance held, pending payouts, and open disputes. Fill **Money at risk** in scoping.",
                ),
                with_template(
                    step(
                        "handoff",
                        "Ask Risk Operations for the path out",
                        "One question: *what does the merchant need to provide, and what is the decision date?* Ask for a ticket.",
                    ),
                    "handoff-request",
                ),
                with_template(
                    step(
                        "request",
                        "Request exactly what Risk named",
                        "List the documents by name. Move to **Waiting on user** while you wait.",
                    ),
                    "info-kyc",
                ),
                step(
                    "closure-terms",
                    "If closing: confirm the fund release date",
                    "Closures keep funds for the reserve period. Get the exact release date and the payout destination in writing from Risk.",
                ),
                with_template(
                    step(
                        "update",
                        "Keep the promised cadence",
                        "Send an update at every promised time, even when Risk has not moved.",
                    ),
                    "update-partner",
                ),
                step(
                    "resolve",
                    "Resolve with the decision and dates",
                    "State the decision, the date funds move, and how to appeal if the policy allows it.",
                ),
            ],
        ),
        playbook(
            "dispute-escalation",
            "Dispute or chargeback escalation",
            "A merchant disagrees with a dispute outcome or is about to miss a network deadline. Deadlines here are set by card networks and do not move.",
            triggers(&["Disputes"], &["dispute", "chargeback", "evidence"], &[]),
            vec![
                with_template(
                    step(
                        "ack",
                        "Acknowledge and note the network deadline",
                        "Find the evidence due date in the dispute record and put it in the first reply.",
                    ),
                    "ack-escalation",
                ),
                with_evidence(step(
                    "record",
                    "Pull the dispute record",
                    "Dispute id, reason code (e.g. Visa 13.1, Mastercard 4853), amount, status, evidence due date. Paste as evidence.",
                )),
                with_template(
                    step(
                        "evidence",
                        "Request the evidence the reason code needs",
                        "Match the evidence to the reason code: delivery proof for *not received*, the refund policy for *credit not processed*.",
                    ),
                    "info-dispute",
                ),
                step(
                    "review",
                    "Review the evidence before submitting",
                    "Check it answers the reason code, is legible, and has no card numbers in clear.",
                ),
                step(
                    "submit",
                    "Submit before the deadline",
                    "Submit at least one working day before the network deadline. Note the submission time on the case.",
                ),
                with_template(
                    step(
                        "handoff",
                        "Escalate a lost dispute to Disputes Operations",
                        "Only when the merchant has new evidence or we made an error. Ask whether pre-arbitration is possible and what it costs.",
                    ),
                    "handoff-request",
                ),
                step(
                    "resolve",
                    "Resolve with the outcome and the money",
                    "State the outcome, the amount returned or debited, and the fee, if any.",
                ),
            ],
        ),
        playbook(
            "api-outage",
            "API errors or outage affecting a merchant",
            "A merchant sees elevated errors or latency on the API or checkout. Find out fast whether it is us, them, or one bank.",
            triggers(
                &["API/integration", "Payments"],
                &["api", "checkout", "outage", "errors"],
                &[P1],
            ),
            vec![
                with_template(
                    step(
                        "ack",
                        "Acknowledge within minutes",
                        "Say we are investigating and when the next update comes. For P1, update at least hourly.",
                    ),
                    "ack-escalation",
                ),
                with_evidence(step(
                    "scope",
                    "Scope the errors",
                    "Endpoint, error codes (`500`, `502`, `card_declined`…), start time, share of requests failing, request ids of three failures. Paste as evidence.",
                )),
                step(
                    "status-page",
                    "Check for a known incident",
                    "Check the internal incident channel. If an incident exists, link it and follow its comms; do not run a parallel investigation.",
                ),
                step(
                    "their-side",
                    "Rule out the merchant's side",
                    "Recent deploys, API version changes, expired keys, TLS or IP allow-list changes.",
                ),
                with_template(
                    step(
                        "handoff",
                        "Hand off to Payouts Engineering or the API on-call",
                        "Give request ids and timestamps, not a description. Ask: *is this us, and what is the ETA?*",
                    ),
                    "handoff-request",
                ),
                with_template(
                    step(
                        "update",
                        "Update on every promise",
                        "State what we know, what we ruled out, and the next update time.",
                    ),
                    "update-investigating",
                ),
                with_evidence(step(
                    "verify",
                    "Verify recovery with the merchant's data",
                    "Confirm error rates are back to normal from their side, with a time range. Paste as evidence.",
                )),
                with_template(
                    step(
                        "resolve",
                        "Resolve and offer the RCA",
                        "Summarise cause and fix. For P1s, open an RCA worksheet and offer the merchant its summary.",
                    ),
                    "resolved-general",
                ),
            ],
        ),
        playbook(
            "refund-failed",
            "Refund failed",
            "A refund did not reach the cardholder: failed, stuck pending, or returned by the issuer. The merchant's customer is waiting, so time matters.",
            triggers(&["Payments"], &["refunds", "refund-failed"], &[]),
            vec![
                with_template(
                    step(
                        "ack",
                        "Acknowledge",
                        "Confirm we are tracing the refund and when the next update comes.",
                    ),
                    "ack-escalation",
                ),
                with_evidence(step(
                    "trace",
                    "Trace the refund",
                    "Refund id, amount, status, failure reason (e.g. `expired_or_canceled_card`, `lost_or_stolen_card`). Paste as evidence.",
                )),
                step(
                    "balance",
                    "Check the merchant's balance",
                    "Refunds fail on an insufficient balance. If so, explain how to top up or wait for incoming funds.",
                ),
                step(
                    "card-closed",
                    "If the card is closed, offer another route",
                    "The money returns to the merchant's balance. They must refund the customer another way (bank transfer, store credit).",
                ),
                step(
                    "arn",
                    "For 'refunded but not received', give the ARN",
                    "Give the acquirer reference number (ARN) so the cardholder's bank can find it. Issuers take 5–10 business days.",
                ),
                with_template(
                    step(
                        "handoff",
                        "Hand off if the refund is stuck in our system",
                        "Only if the status has not changed in 48 hours. Ask Payouts Engineering with the refund id.",
                    ),
                    "handoff-request",
                ),
                with_template(
                    step(
                        "resolve",
                        "Resolve with where the money is",
                        "Say exactly where the money is now and what the merchant or cardholder should do next.",
                    ),
                    "resolved-general",
                ),
            ],
        ),
        playbook(
            "billing-discrepancy",
            "Enterprise billing discrepancy",
            "An enterprise customer disputes an invoice: wrong rate, double charge, or fees they did not expect. Contract terms decide, not the pricing page.",
            triggers(&["Billing"], &["invoice", "enterprise", "billing"], &[]),
            vec![
                with_template(
                    step(
                        "ack",
                        "Acknowledge and confirm the invoice",
                        "Name the invoice number and the amount in question in the first reply.",
                    ),
                    "ack-escalation",
                ),
                with_evidence(step(
                    "contract",
                    "Find the contracted rates",
                    "Locate the signed order form or contract amendment. Note the rates and the effective date as evidence.",
                )),
                with_evidence(step(
                    "recompute",
                    "Recompute the disputed line items",
                    "Rebuild the charge from usage exports. Paste the difference (amount and currency) as evidence.",
                )),
                step(
                    "scope",
                    "Check other months and invoices",
                    "If the rate was wrong, check every invoice since the effective date. Fill **Money at risk** with the total.",
                ),
                with_template(
                    step(
                        "handoff",
                        "Hand off the correction to Billing",
                        "Ask Billing for a credit note or re-issue, with the recomputation attached.",
                    ),
                    "handoff-request",
                ),
                with_template(
                    step(
                        "update",
                        "Update the customer's finance contact",
                        "Finance teams need dates: when the credit note is issued and how it applies.",
                    ),
                    "update-partner",
                ),
                with_template(
                    step(
                        "resolve",
                        "Resolve with the credit note number",
                        "Give the credit note number, amount, and which invoice it applies to.",
                    ),
                    "resolved-general",
                ),
            ],
        ),
    ]
}
