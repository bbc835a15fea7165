//! Reading and writing the log's CSV strictly: our header, eleven fields on every row.
use super::row::{HEADER, Row};

/// Parse a log; the error says what is wrong and on which line.
pub fn parse_csv(bytes: &[u8]) -> Result<Vec<Row>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let header = reader
        .headers()
        .map_err(|e| format!("line 1: {e}"))?
        .clone();
    if header.iter().collect::<Vec<_>>() != HEADER {
        return Err(format!(
            "line 1: the header is `{}`, expected `{}`",
            header.iter().collect::<Vec<_>>().join(","),
            HEADER.join(",")
        ));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| match e.position() {
            Some(p) => format!("line {}: {e}", p.line()),
            None => e.to_string(),
        })?;
        let fields: Vec<String> = record.iter().map(str::to_owned).collect();
        let fields: [String; 11] = fields
            .try_into()
            .map_err(|_| "a row without eleven fields".to_owned())?;
        rows.push(Row::from_fields(fields));
    }
    Ok(rows)
}

/// The whole log as CSV, header first.
pub fn to_csv(rows: &[Row]) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let _ = writer.write_record(HEADER);
    for row in rows {
        let _ = writer.write_record(row.fields());
    }
    writer.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy_log::row::sample;

    #[test]
    fn round_trips_with_quoting() {
        let mut row = sample("1.2.0");
        row.tickets = "SHOP-7, \"quoted\"".into();
        let csv = to_csv(&[sample("1.1.0"), row.clone()]);
        assert!(String::from_utf8_lossy(&csv).starts_with(
            "date,project,environment,version,previous_version,components,tickets,who,duration,result,rolled_back\n"
        ));
        assert_eq!(parse_csv(&csv).unwrap(), [sample("1.1.0"), row]);
    }

    #[test]
    fn malformed_logs_are_explained() {
        assert_eq!(
            parse_csv(b"when,what\n1,2\n").unwrap_err(),
            "line 1: the header is `when,what`, expected `date,project,environment,version,previous_version,components,tickets,who,duration,result,rolled_back`"
        );
        let mut csv = to_csv(&[sample("1.1.0")]);
        csv.extend_from_slice(b"2026-11-24,acme,stage\n");
        let error = parse_csv(&csv).unwrap_err();
        assert!(error.starts_with("line 3:"), "{error}");
    }
}
