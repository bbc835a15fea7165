//! Reading and writing the log's CSV strictly: our header, a field for each column on every
//! row, cells that a spreadsheet would run escaped.
use super::cell::{escape, unescape};
use super::row::{HEADER, LEGACY_HEADER, Row};

/// A log as read from its CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The rows, oldest first.
    pub rows: Vec<Row>,
    /// The file has the header of logs written before the `run` column.
    pub legacy: bool,
}

/// Parse a log; the error says what is wrong and on which line.
pub fn parse_csv(bytes: &[u8]) -> Result<Table, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let header = reader
        .headers()
        .map_err(|e| format!("line 1: {e}"))?
        .clone();
    let names = header.iter().collect::<Vec<_>>();
    let legacy = names == LEGACY_HEADER;
    if names != HEADER && !legacy {
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
        let mut fields: Vec<String> = record.iter().map(|c| unescape(c).to_owned()).collect();
        if legacy {
            fields.push(String::new());
        }
        let fields: [String; 12] = fields
            .try_into()
            .map_err(|_| format!("a row without {} fields", HEADER.len()))?;
        rows.push(Row::from_fields(fields));
    }
    Ok(Table { rows, legacy })
}

/// The whole log as CSV, header first.
pub fn to_csv(rows: &[Row]) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let _ = writer.write_record(HEADER);
    for row in rows {
        let _ = writer.write_record(row.fields().map(escape).iter().map(|c| c.as_bytes()));
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
            "date,project,environment,version,previous_version,components,tickets,who,duration,result,rolled_back,run\n"
        ));
        assert_eq!(parse_csv(&csv).unwrap().rows, [sample("1.1.0"), row]);
    }

    #[test]
    fn formula_cells_are_escaped_and_read_back() {
        let mut row = sample("1.2.0");
        row.who = "=HYPERLINK(\"http://evil.example\",\"ada\")".into();
        row.tickets = "@SUM(A1:A9)".into();
        row.components = "-1+1".into();
        row.duration = "+90s".into();
        row.previous_version = "'quoted".into();
        let csv = to_csv(std::slice::from_ref(&row));
        let text = String::from_utf8(csv.clone()).unwrap();
        let line = text.lines().nth(1).unwrap();
        assert!(
            line.contains(",'-1+1,'@SUM(A1:A9),\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"ada\"\")\",'+90s,"),
            "{line}"
        );
        assert!(line.contains(",''quoted,"), "{line}");
        assert_eq!(parse_csv(&csv).unwrap().rows, [row]);
    }

    #[test]
    fn logs_without_the_run_column_are_read() {
        let csv = "date,project,environment,version,previous_version,components,tickets,who,duration,result,rolled_back\n2026-11-24T10:42:00Z,acme,production,1.2.0,1.1.0,,,ada,,success,no\n";
        let table = parse_csv(csv.as_bytes()).unwrap();
        assert!(table.legacy);
        assert_eq!(table.rows[0].run, "");
        assert_eq!(table.rows[0].who, "ada");
    }

    #[test]
    fn malformed_logs_are_explained() {
        assert_eq!(
            parse_csv(b"when,what\n1,2\n").unwrap_err(),
            "line 1: the header is `when,what`, expected `date,project,environment,version,previous_version,components,tickets,who,duration,result,rolled_back,run`"
        );
        let mut csv = to_csv(&[sample("1.1.0")]);
        csv.extend_from_slice(b"2026-11-24,acme,stage\n");
        let error = parse_csv(&csv).unwrap_err();
        assert!(error.starts_with("line 3:"), "{error}");
    }
}
