//! The text of an HTML body, for messages that have no text/plain part.

/// The text of an HTML body: tags removed, block elements as line breaks,
/// entities decoded, head, scripts, styles and block quotes left out.
pub(super) fn html_to_text(html: &str) -> String {
    const BLOCKS: &[&str] = &[
        "br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
        "section", "article", "header", "footer", "pre", "hr", "dd", "dt", "address", "tbody",
    ];
    const SKIPPED: &[&str] = &["head", "style", "script", "template", "title", "blockquote"];
    let mut out = String::with_capacity(html.len() / 2);
    let mut skip_depth = 0usize;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            if let Some(after) = rest.strip_prefix("<!--") {
                rest = after.find("-->").map_or("", |p| &after[p + 3..]);
                continue;
            }
            let end = rest.find('>').unwrap_or(rest.len());
            let tag = &rest[1..end];
            rest = rest.get(end + 1..).unwrap_or("");
            let closing = tag.starts_with('/');
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase();
            if SKIPPED.contains(&name.as_str()) && !tag.ends_with('/') {
                if closing {
                    skip_depth = skip_depth.saturating_sub(1);
                } else {
                    skip_depth += 1;
                }
            }
            if BLOCKS.contains(&name.as_str()) {
                out.push('\n');
            } else if name == "td" || name == "th" {
                out.push(' ');
            }
            continue;
        }
        if c == '&' {
            let end = rest
                .char_indices()
                .take(12)
                .find(|&(_, ch)| ch == ';')
                .map(|(i, _)| i);
            if let Some(decoded) = end.and_then(|e| entity(&rest[1..e])) {
                if skip_depth == 0 {
                    out.push(decoded);
                }
                rest = &rest[end.unwrap_or(0) + 1..];
                continue;
            }
        }
        if skip_depth == 0 {
            out.push(if c.is_whitespace() { ' ' } else { c });
        }
        rest = &rest[c.len_utf8()..];
    }
    out.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return Some(char::from_u32(code).unwrap_or('\u{FFFD}'));
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" | "rsquo" | "lsquo" => '\'',
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "eacute" => 'é',
        "Eacute" => 'É',
        "egrave" => 'è',
        "Egrave" => 'È',
        "ecirc" => 'ê',
        "Ecirc" => 'Ê',
        "euml" => 'ë',
        "agrave" => 'à',
        "Agrave" => 'À',
        "acirc" => 'â',
        "Acirc" => 'Â',
        "auml" => 'ä',
        "ccedil" => 'ç',
        "Ccedil" => 'Ç',
        "icirc" => 'î',
        "Icirc" => 'Î',
        "iuml" => 'ï',
        "ocirc" => 'ô',
        "Ocirc" => 'Ô',
        "ouml" => 'ö',
        "ugrave" => 'ù',
        "Ugrave" => 'Ù',
        "ucirc" => 'û',
        "Ucirc" => 'Û',
        "uuml" => 'ü',
        "oelig" => 'œ',
        "OElig" => 'Œ',
        "laquo" => '«',
        "raquo" => '»',
        "ldquo" => '“',
        "rdquo" => '”',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "euro" => '€',
        "deg" => '°',
        "middot" => '·',
        "bull" => '•',
        "sup2" => '²',
        _ => return None,
    })
}
