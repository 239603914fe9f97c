//! The notices' texts, in Dutch (the default) and English, rendered with minijinja: a subject
//! and a plain text per kind, and an HTML version of the same text. Every notice names its
//! article and the facts it is about.

mod en;
mod nl;

use minijinja::{Environment, UndefinedBehavior, context};

use crate::{
    application::notices::{Facts, Renderer},
    domain::{
        catalogue::{self, Language, NoticeKind},
        notice::Rendered,
    },
};

/// A kind's subject and text templates.
type Texts = (&'static str, &'static str, &'static str);

const LAYOUT: &str = "<!DOCTYPE html>\n<html lang=\"{{ lang }}\"><head><meta charset=\"utf-8\"><title>{{ subject }}</title></head>\n\
<body>\n{% for paragraph in paragraphs %}<p>{{ paragraph }}</p>\n{% endfor %}</body></html>\n";

/// Every template, compiled once at start-up; a missing fact is an error, not a blank.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
}

fn table(language: Language) -> &'static [Texts] {
    match language {
        Language::Dutch => nl::TEXTS,
        Language::English => en::TEXTS,
    }
}

impl Templates {
    /// Fails when a kind of the catalogue has no text in a language, or a template does not
    /// compile: a service with a broken catalogue does not start.
    pub fn new() -> Result<Self, String> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.add_template("layout.html", LAYOUT).map_err(|e| e.to_string())?;
        for language in [Language::Dutch, Language::English] {
            for kind in catalogue::ALL {
                let (_, subject, text) = table(language)
                    .iter()
                    .find(|(key, _, _)| *key == kind.key)
                    .ok_or_else(|| format!("no {} text for {}", language.code(), kind.key))?;
                let lang = language.code();
                env.add_template_owned(format!("{lang}/{}.subject", kind.key), *subject).map_err(|e| e.to_string())?;
                env.add_template_owned(format!("{lang}/{}.txt", kind.key), *text).map_err(|e| e.to_string())?;
            }
        }
        Ok(Self { env })
    }
}

impl Renderer for Templates {
    fn render(&self, kind: &NoticeKind, language: Language, facts: &Facts) -> Result<Rendered, String> {
        let lang = language.code();
        let render = |name: String| {
            self.env
                .get_template(&name)
                .and_then(|t| t.render(context! { article => kind.article, ..minijinja::Value::from_serialize(facts) }))
                .map_err(|e| format!("{name}: {e}"))
        };
        let subject = render(format!("{lang}/{}.subject", kind.key))?.trim().to_owned();
        let text = render(format!("{lang}/{}.txt", kind.key))?.trim().to_owned() + "\n";
        let paragraphs: Vec<&str> = text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).collect();
        let html = self
            .env
            .get_template("layout.html")
            .and_then(|t| t.render(context! { lang, subject => &subject, paragraphs }))
            .map_err(|e| format!("layout.html: {e}"))?;
        Ok(Rendered { subject, text, html })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        [
            ("customer_name", "Acme B.V."),
            ("contract_id", "0190f0a4-0000-7000-8000-000000000001"),
            ("start_date", "2026-01-01"),
            ("end_date", "2026-12-31"),
            ("effective_date", "2026-03-15"),
            ("announced_on", "2026-03-01"),
            ("reason", "Onbetaalde facturen"),
            ("version", "2027-01"),
            ("summary", "Nieuwe tarieven"),
            ("percent", "3.5"),
            ("invoice_number", "2026-000042"),
            ("total", "EUR 121.00"),
            ("due_date", "2026-01-15"),
            ("starts_at", "2027-03-06 22:00"),
            ("ends_at", "2027-03-07 02:00"),
            ("description", "Database upgrade; the application is unavailable."),
            ("title", "Exports to CSV"),
            ("body", "You can now export invoices to CSV."),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.to_owned()))
        .collect()
    }

    /// Every kind renders in both languages, names its article, and escapes in HTML.
    #[test]
    fn every_kind_renders_in_both_languages_naming_its_article() {
        let templates = Templates::new().unwrap();
        for language in [Language::Dutch, Language::English] {
            for kind in catalogue::ALL {
                let rendered = templates.render(&kind, language, &facts()).unwrap();
                assert!(rendered.text.contains(kind.article), "{} {}: {}", language.code(), kind.key, rendered.text);
                assert!(!rendered.subject.is_empty() && rendered.html.starts_with("<!DOCTYPE html>"));
            }
        }
        let mut hostile = facts();
        hostile.insert("reason", "<script>alert(1)</script>".to_owned());
        let rendered = templates.render(&catalogue::SUSPENSION_ANNOUNCED, Language::Dutch, &hostile).unwrap();
        assert!(rendered.html.contains("&lt;script&gt;") && !rendered.html.contains("<script>"));
    }

    /// The exact text of one notice, as a snapshot: a change to a template shows here.
    #[test]
    fn the_suspension_announcement_reads_as_written() {
        let rendered =
            Templates::new().unwrap().render(&catalogue::SUSPENSION_ANNOUNCED, Language::Dutch, &facts()).unwrap();
        assert_eq!(rendered.subject, "Aankondiging opschorting van uw overeenkomst per 2026-03-15");
        assert_eq!(
            rendered.text,
            "Beste Acme B.V.,\n\nWij kondigen hierbij schriftelijk aan dat wij de uitvoering van uw overeenkomst \
             0190f0a4-0000-7000-8000-000000000001 opschorten met ingang van 2026-03-15.\n\nReden: Onbetaalde facturen\n\n\
             Deze aankondiging is gedaan op 2026-03-01 op grond van artikel 8.9 van onze Algemene Voorwaarden.\n"
        );
    }
}
