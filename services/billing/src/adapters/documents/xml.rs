//! A small XML writer: elements in the order they are written, text escaped.

pub struct Xml {
    out: String,
    open: Vec<&'static str>,
}

impl Xml {
    pub fn new(root: &'static str, namespaces: &[(&str, &str)]) -> Self {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<");
        out.push_str(root);
        for (prefix, uri) in namespaces {
            if prefix.is_empty() {
                out.push_str(&format!(" xmlns=\"{uri}\""));
            } else {
                out.push_str(&format!(" xmlns:{prefix}=\"{uri}\""));
            }
        }
        out.push('>');
        Self { out, open: vec![root] }
    }

    pub fn open(&mut self, name: &'static str) -> &mut Self {
        self.out.push_str(&format!("<{name}>"));
        self.open.push(name);
        self
    }

    pub fn close(&mut self) -> &mut Self {
        if let Some(name) = self.open.pop() {
            self.out.push_str(&format!("</{name}>"));
        }
        self
    }

    pub fn leaf(&mut self, name: &str, text: &str) -> &mut Self {
        self.leaf_with(name, &[], text)
    }

    pub fn leaf_with(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) -> &mut Self {
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attributes {
            self.out.push_str(&format!(" {key}=\"{}\"", escape(value)));
        }
        self.out.push('>');
        self.out.push_str(&escape(text));
        self.out.push_str(&format!("</{name}>"));
        self
    }

    pub fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.close();
        }
        self.out
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes() {
        let mut x = Xml::new("r", &[("", "urn:x")]);
        x.leaf_with("a", &[("k", "\"<&>'")], "Smit & Zn <B.V.>");
        assert_eq!(
            x.finish(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<r xmlns=\"urn:x\"><a k=\"&quot;&lt;&amp;&gt;&apos;\">Smit &amp; Zn &lt;B.V.&gt;</a></r>"
        );
    }
}
