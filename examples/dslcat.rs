fn main() {
    let f: std::sync::Arc<str> = std::sync::Arc::from(std::env::args().nth(1).unwrap().as_str());
    let text = std::fs::read_to_string(&*f).unwrap();
    match sgcheck::ingest::dsl::parse(&f, &text) {
        Ok((t, d)) => {
            for x in &d {
                eprintln!("{x}");
            }
            print!("{}", sgcheck::ingest::dsl::print(&t));
        }
        Err(e) => println!("{e}"),
    }
}
