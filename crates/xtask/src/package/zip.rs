//! A minimal zip writer and reader (std only) for the Salesforce static
//! resource. Entries are stored (not compressed): the wasm is already small,
//! Salesforce serves static resources compressed over HTTP anyway, and a
//! stored zip is a few dozen lines with no dependency. Timestamps are fixed
//! (1980-01-01) so the same inputs give the same bytes.

/// Local file header, central directory header, end of central directory.
const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const END: u32 = 0x0605_4b50;
/// Version 2.0 (needed for directories and stored entries in practice).
const VERSION: u16 = 20;
/// Bit 11: names are UTF-8.
const UTF8: u16 = 1 << 11;
/// 1980-01-01 00:00 in MS-DOS date format (time 0).
const DOS_DATE: u16 = (1 << 5) | 1;

/// Builds a stored zip of `(name, bytes)` entries, in the order given.
pub fn write(entries: &[(String, Vec<u8>)]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        if name.is_empty() || name.starts_with('/') || name.contains('\\') || name.split('/').any(|p| p == "..") {
            return Err(format!("bad zip entry name {name:?}"));
        }
        let offset = u32::try_from(out.len()).map_err(|_| "zip larger than 4 GiB".to_string())?;
        let size = u32::try_from(data.len()).map_err(|_| format!("{name} is larger than 4 GiB"))?;
        let name_len = u16::try_from(name.len()).map_err(|_| format!("entry name too long: {name}"))?;
        let crc = crc32(data);
        // Local header.
        put32(&mut out, LOCAL);
        put16(&mut out, VERSION);
        put16(&mut out, UTF8);
        put16(&mut out, 0); // stored
        put16(&mut out, 0); // time
        put16(&mut out, DOS_DATE);
        put32(&mut out, crc);
        put32(&mut out, size);
        put32(&mut out, size);
        put16(&mut out, name_len);
        put16(&mut out, 0); // extra
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        // Central directory header.
        put32(&mut central, CENTRAL);
        put16(&mut central, VERSION); // made by
        put16(&mut central, VERSION); // needed
        put16(&mut central, UTF8);
        put16(&mut central, 0);
        put16(&mut central, 0);
        put16(&mut central, DOS_DATE);
        put32(&mut central, crc);
        put32(&mut central, size);
        put32(&mut central, size);
        put16(&mut central, name_len);
        put16(&mut central, 0); // extra
        put16(&mut central, 0); // comment
        put16(&mut central, 0); // disk
        put16(&mut central, 0); // internal attributes
        put32(&mut central, 0o100644 << 16); // external: a regular file, rw-r--r--
        put32(&mut central, offset);
        central.extend_from_slice(name.as_bytes());
    }
    let count = u16::try_from(entries.len()).map_err(|_| "too many zip entries".to_string())?;
    let central_offset = u32::try_from(out.len()).map_err(|_| "zip larger than 4 GiB".to_string())?;
    let central_size = u32::try_from(central.len()).map_err(|_| "zip directory too large".to_string())?;
    out.extend_from_slice(&central);
    put32(&mut out, END);
    put16(&mut out, 0);
    put16(&mut out, 0);
    put16(&mut out, count);
    put16(&mut out, count);
    put32(&mut out, central_size);
    put32(&mut out, central_offset);
    put16(&mut out, 0); // comment
    Ok(out)
}

/// Reads a zip written by [`write`] (or any zip of stored entries), checking
/// each entry's CRC and that local and central headers agree.
pub fn read(zip: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let end_at = (0..zip.len().saturating_sub(21))
        .rev()
        .find(|&at| get32(zip, at) == Some(END))
        .ok_or("no end of central directory")?;
    let count = get16(zip, end_at + 10).ok_or("truncated end record")? as usize;
    let mut at = get32(zip, end_at + 16).ok_or("truncated end record")? as usize;
    let mut entries = Vec::with_capacity(count);
    for _ in 0..count {
        if get32(zip, at) != Some(CENTRAL) {
            return Err(format!("no central directory header at {at}"));
        }
        let field = |offset: usize| get16(zip, at + offset).ok_or("truncated central header");
        let method = field(10)?;
        let crc = get32(zip, at + 16).ok_or("truncated central header")?;
        let size = get32(zip, at + 20).ok_or("truncated central header")? as usize;
        let name_len = field(28)? as usize;
        let skip = name_len + field(30)? as usize + field(32)? as usize;
        let local = get32(zip, at + 42).ok_or("truncated central header")? as usize;
        let name = zip.get(at + 46..at + 46 + name_len).ok_or("truncated name")?;
        let name = String::from_utf8(name.to_vec()).map_err(|_| "a name is not UTF-8".to_string())?;
        if method != 0 {
            return Err(format!("{name} is compressed (method {method}); expected stored"));
        }
        if get32(zip, local) != Some(LOCAL) {
            return Err(format!("{name}: no local header at {local}"));
        }
        let local_name_len = get16(zip, local + 26).ok_or("truncated local header")? as usize;
        let local_extra = get16(zip, local + 28).ok_or("truncated local header")? as usize;
        if local_name_len != name_len || get32(zip, local + 14) != Some(crc) {
            return Err(format!("{name}: local and central headers differ"));
        }
        let start = local + 30 + local_name_len + local_extra;
        let data = zip.get(start..start + size).ok_or_else(|| format!("{name}: truncated data"))?;
        if crc32(data) != crc {
            return Err(format!("{name}: CRC mismatch"));
        }
        entries.push((name, data.to_vec()));
        at += 46 + skip;
    }
    Ok(entries)
}

/// CRC-32 (IEEE 802.3, as zip uses), bit by bit: the resource is small.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn get16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn get32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_of_known_strings() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b"The quick brown fox jumps over the lazy dog"), 0x414F_A339);
    }

    #[test]
    fn writes_what_it_reads_back() {
        let entries = vec![
            ("loader.js".to_string(), b"export {};\n".to_vec()),
            ("pkg/a.wasm".to_string(), vec![0, 97, 115, 109, 1, 0, 0, 0]),
            ("pkg/empty".to_string(), Vec::new()),
        ];
        let zip = write(&entries).unwrap();
        assert_eq!(zip.get(..4), Some(&[0x50, 0x4b, 0x03, 0x04][..]));
        assert_eq!(read(&zip).unwrap(), entries);
        assert_eq!(write(&entries).unwrap(), zip, "reproducible");
        let mut corrupt = zip.clone();
        corrupt[30 + "loader.js".len()] ^= 1;
        assert!(read(&corrupt).unwrap_err().contains("CRC"));
        assert!(write(&[("../x".to_string(), Vec::new())]).is_err());
    }

    /// When `unzip` is installed, it must accept the archive too.
    #[test]
    fn unzip_agrees_when_available() {
        let zip = write(&[("a/b.txt".to_string(), b"hello".to_vec())]).unwrap();
        let dir = std::env::temp_dir().join(format!("xtask-zip-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("t.zip");
        std::fs::write(&file, &zip).unwrap();
        if let Ok(out) = std::process::Command::new("unzip").arg("-tq").arg(&file).output() {
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
