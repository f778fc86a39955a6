//! Golden keys: every draft key is stored exactly as the string its form wrote before `DraftKey`, so drafts kept on a device still come back.

use uuid::Uuid;

use super::DraftKey;

#[test]
fn every_key_is_the_string_drafts_were_always_stored_under() {
    let id = Uuid::parse_str("0b7f2f7e-3a47-4a4e-9d8e-5f0c1d2e3f40").unwrap_or_default();
    let s = "0b7f2f7e-3a47-4a4e-9d8e-5f0c1d2e3f40";
    let golden = [
        (DraftKey::Intake, "intake".to_string()),
        (DraftKey::Note(id), format!("note:{s}")),
        (DraftKey::Title(id), format!("title:{s}")),
        (DraftKey::Scoping(id), format!("scoping:{s}")),
        (DraftKey::Details(id), format!("details:{s}")),
        (DraftKey::Contact(id), format!("contact:{s}")),
        (DraftKey::Compose(id), format!("compose:{s}")),
        (DraftKey::Handoff(id), format!("handoff:{s}")),
        (DraftKey::Reminder(id), format!("reminder:{s}")),
        (DraftKey::Checklist(id), format!("checklist:{s}")),
        (DraftKey::Call(id), format!("call:{s}")),
        (DraftKey::SlaSettings, "sla-settings".to_string()),
        (DraftKey::Templates, "templates".to_string()),
        (DraftKey::Partners, "partners".to_string()),
        (DraftKey::Playbook(id), format!("playbook:{s}")),
        (DraftKey::NewPlaybook, "playbook:new".to_string()),
        (DraftKey::Rca(id), format!("rca:{s}")),
        (
            DraftKey::NewRca {
                from_cases: "ESC-1001, ESC-1002".into(),
            },
            "rca:new:ESC-1001, ESC-1002".to_string(),
        ),
        (
            DraftKey::NewRca {
                from_cases: String::new(),
            },
            "rca:new:".to_string(),
        ),
        (DraftKey::SignOff(id), format!("signoff:{s}")),
    ];
    for (key, stored) in &golden {
        assert_eq!(&key.to_string(), stored, "{key:?}");
    }
    // No two forms share a key: one form's draft never comes back in another.
    let mut all: Vec<String> = golden.iter().map(|(k, _)| k.to_string()).collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), golden.len());
}
