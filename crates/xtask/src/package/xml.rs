//! A small, strict XML reader (std only) for the files we ship to
//! Salesforce: call center definitions, SFDX metadata, the Visualforce page.
//! It checks well-formedness (one root, matching tags, quoted attributes,
//! known entities) and gives back a tree. No DTDs, no namespaces processing
//! (`xmlns` is just an attribute): our files need neither.

use std::fmt;

/// An element with its attributes and children, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub children: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Element(Element),
    Text(String),
}

/// Where and why a document is not well-formed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl Element {
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Child elements, in order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// Child elements named `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.elements().filter(move |e| e.name == name)
    }

    /// The first child element named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// The text content (child text only, trimmed).
    pub fn text(&self) -> String {
        let mut out = String::new();
        for node in &self.children {
            if let Node::Text(t) = node {
                out.push_str(t);
            }
        }
        out.trim().to_string()
    }
}

/// Parses a whole document: an optional declaration, comments, one root.
pub fn parse(text: &str) -> Result<Element, XmlError> {
    let mut p = Parser { s: text.strip_prefix('\u{feff}').unwrap_or(text), pos: 0 };
    p.misc()?;
    if p.peek_str("<?xml") {
        p.skip_past("?>", "the XML declaration is not closed")?;
    }
    p.misc()?;
    if p.peek_str("<!DOCTYPE") {
        return Err(p.error("DOCTYPE is not supported"));
    }
    if !p.peek_str("<") {
        return Err(p.error("expected the root element"));
    }
    let root = p.element()?;
    p.misc()?;
    if p.pos < p.s.len() {
        return Err(p.error("content after the root element"));
    }
    Ok(root)
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        self.s.get(self.pos..).unwrap_or("")
    }

    fn peek_str(&self, prefix: &str) -> bool {
        self.rest().starts_with(prefix)
    }

    fn line(&self) -> usize {
        self.s.get(..self.pos).unwrap_or("").matches('\n').count() + 1
    }

    fn error(&self, message: impl Into<String>) -> XmlError {
        XmlError { line: self.line(), message: message.into() }
    }

    fn skip_past(&mut self, end: &str, message: &str) -> Result<&'a str, XmlError> {
        match self.rest().find(end) {
            Some(at) => {
                let skipped = self.rest().get(..at).unwrap_or("");
                self.pos += at + end.len();
                Ok(skipped)
            }
            None => Err(self.error(message)),
        }
    }

    fn skip_ws(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.s.len() - trimmed.len();
    }

    /// White space, comments and processing instructions between markup.
    fn misc(&mut self) -> Result<(), XmlError> {
        loop {
            self.skip_ws();
            if self.peek_str("<!--") {
                self.comment()?;
            } else if self.peek_str("<?") && !self.peek_str("<?xml ") {
                self.skip_past("?>", "a processing instruction is not closed")?;
            } else {
                return Ok(());
            }
        }
    }

    fn comment(&mut self) -> Result<(), XmlError> {
        self.pos += 4;
        let body = self.skip_past("-->", "a comment is not closed")?;
        if body.contains("--") {
            return Err(self.error("`--` inside a comment"));
        }
        Ok(())
    }

    fn name(&mut self) -> Result<String, XmlError> {
        let rest = self.rest();
        let end =
            rest.find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))).unwrap_or(rest.len());
        let name = rest.get(..end).unwrap_or("");
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.') {
            return Err(self.error("expected a name"));
        }
        self.pos += end;
        Ok(name.to_string())
    }

    fn element(&mut self) -> Result<Element, XmlError> {
        self.pos += 1; // '<'
        let name = self.name()?;
        let mut attributes: Vec<(String, String)> = Vec::new();
        loop {
            let before = self.pos;
            self.skip_ws();
            if self.peek_str("/>") {
                self.pos += 2;
                return Ok(Element { name, attributes, children: Vec::new() });
            }
            if self.peek_str(">") {
                self.pos += 1;
                break;
            }
            if self.pos == before {
                return Err(self.error(format!("expected white space, `>` or `/>` in <{name}>")));
            }
            let attribute = self.name()?;
            self.skip_ws();
            if !self.peek_str("=") {
                return Err(self.error(format!("attribute {attribute} of <{name}> has no value")));
            }
            self.pos += 1;
            self.skip_ws();
            let quote = match self.rest().chars().next() {
                Some(q @ ('"' | '\'')) => q,
                _ => return Err(self.error(format!("the value of {attribute} is not quoted"))),
            };
            self.pos += 1;
            let raw = self.skip_past(&quote.to_string(), "an attribute value is not closed")?;
            if raw.contains('<') {
                return Err(self.error(format!("`<` in the value of {attribute}")));
            }
            let value = self.unescape(raw)?;
            if attributes.iter().any(|(a, _)| *a == attribute) {
                return Err(self.error(format!("attribute {attribute} twice in <{name}>")));
            }
            attributes.push((attribute, value));
        }
        let mut children = Vec::new();
        loop {
            if self.peek_str("</") {
                self.pos += 2;
                let end = self.name()?;
                self.skip_ws();
                if end != name || !self.peek_str(">") {
                    return Err(self.error(format!("</{end}> does not close <{name}>")));
                }
                self.pos += 1;
                return Ok(Element { name, attributes, children });
            } else if self.peek_str("<!--") {
                self.comment()?;
            } else if self.peek_str("<![CDATA[") {
                self.pos += 9;
                let data = self.skip_past("]]>", "a CDATA section is not closed")?;
                children.push(Node::Text(data.to_string()));
            } else if self.peek_str("<?") {
                self.skip_past("?>", "a processing instruction is not closed")?;
            } else if self.peek_str("<") {
                children.push(Node::Element(self.element()?));
            } else if self.pos >= self.s.len() {
                return Err(self.error(format!("<{name}> is not closed")));
            } else {
                let end = self.rest().find('<').unwrap_or(self.rest().len());
                let raw = self.rest().get(..end).unwrap_or("");
                self.pos += end;
                if raw.contains("]]>") {
                    return Err(self.error("`]]>` in text"));
                }
                children.push(Node::Text(self.unescape(raw)?));
            }
        }
    }

    fn unescape(&self, raw: &str) -> Result<String, XmlError> {
        let mut out = String::with_capacity(raw.len());
        let mut rest = raw;
        while let Some(at) = rest.find('&') {
            out.push_str(rest.get(..at).unwrap_or(""));
            let after = rest.get(at + 1..).unwrap_or("");
            let semi = after.find(';').ok_or_else(|| self.error("`&` without `;`"))?;
            let entity = after.get(..semi).unwrap_or("");
            let c = match entity {
                "lt" => '<',
                "gt" => '>',
                "amp" => '&',
                "quot" => '"',
                "apos" => '\'',
                _ => {
                    let code = if let Some(hex) = entity.strip_prefix("#x") {
                        u32::from_str_radix(hex, 16).ok()
                    } else if let Some(dec) = entity.strip_prefix('#') {
                        dec.parse().ok()
                    } else {
                        None
                    };
                    code.and_then(char::from_u32).ok_or_else(|| self.error(format!("unknown entity &{entity};")))?
                }
            };
            out.push(c);
            rest = after.get(semi + 1..).unwrap_or("");
        }
        out.push_str(rest);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_tree_with_attributes_entities_and_comments() {
        let doc = parse(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- hi -->\n<a x='1' y=\"&lt;2&gt;\"><b>t &amp; u&#65;&#x42;</b><c/><!-- c --><![CDATA[<raw>]]></a>\n",
        )
        .unwrap();
        assert_eq!(doc.name, "a");
        assert_eq!(doc.attribute("y"), Some("<2>"));
        assert_eq!(doc.child("b").unwrap().text(), "t & uAB");
        assert_eq!(doc.elements().count(), 2);
        assert_eq!(doc.children.last(), Some(&Node::Text("<raw>".into())));
    }

    #[test]
    fn refuses_what_is_not_well_formed() {
        for (bad, why) in [
            ("<a><b></a>", "does not close"),
            ("<a>", "not closed"),
            ("<a/><b/>", "after the root"),
            ("<a x=1/>", "not quoted"),
            ("<a x='1' x='2'/>", "twice"),
            ("<a>&nbsp;</a>", "unknown entity"),
            ("<a>& b</a>", "without"),
            ("<!-- a -- b --><a/>", "inside a comment"),
            ("text", "root element"),
            ("<a x='1'y='2'/>", "white space"),
        ] {
            let err = parse(bad).unwrap_err();
            assert!(err.message.contains(why), "{bad}: {err}");
        }
        assert_eq!(parse("<a>\n<b>\n</c></a>").unwrap_err().line, 3);
    }
}
