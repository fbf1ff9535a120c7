//! The grammar: each line's tokens (from [`lex`](super::lex)) into model objects.
//!
//! The grammar is line-oriented (see the README ("The sgcheck rule language")): a statement starts at column 1; the
//! lines indented under a `group`, `nacl`, `route-table`, `instance` or `prefix-list`
//! header are its body, and every body line of one block uses the same indentation. Each
//! line is parsed by a small recursive-descent cursor over spanned tokens, so an error
//! names the exact token (line, column, width) with what was expected. Values are parsed
//! by the one `FromStr` of their type ([`Protocol`], [`PortRange`], [`IcmpMatch`],
//! [`Cidr::parse_reporting`], [`InstanceState`], …); sub-token syntax (`8GiB`,
//! `443/tcp`) uses nom. Parsing is linear: id lookups go through hash maps.

use super::error::ParseError;
use super::lex::{self, Line, TokKind, Token};
use crate::model::*;
use crate::net::{Cidr, Direction, Family, IcmpMatch, L4, PortRange, Protocol, ValueError};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;
use std::sync::Arc;

/// The statement keywords, in documentation order.
pub(crate) const KEYWORDS: &[&str] = &[
    "group",
    "prefix-list",
    "nacl",
    "vpc",
    "igw",
    "subnet",
    "route-table",
    "instance",
    "eni",
    "volume",
    "eip",
    "address",
    "service",
    "expect",
];

const STATEMENT: &str = "a statement (group, prefix-list, nacl, vpc, igw, subnet, route-table, instance, eni, volume, eip, address, service or expect)";

/// Volume types that may be written bare (`volume vol-1 8GiB gp3`).
pub(crate) const VOLUME_TYPES: &[&str] = &["gp2", "gp3", "io1", "io2", "st1", "sc1", "standard"];

type PResult<T> = Result<T, ParseError>;

/// How a token is described in "found …".
fn describe(tok: Option<&Token<'_>>) -> String {
    match tok {
        None => "end of line".to_string(),
        Some(t) => match t.kind {
            TokKind::Comma => "\",\"".to_string(),
            TokKind::Str => format!("the string {}", t.raw),
            TokKind::Word => format!("\"{}\"", t.raw),
        },
    }
}

/// A cursor over one line's tokens.
struct Cur<'p, 'a> {
    file: &'p Arc<str>,
    line: &'p Line<'a>,
    pos: usize,
}

impl<'p, 'a> Cur<'p, 'a> {
    fn new(file: &'p Arc<str>, line: &'p Line<'a>) -> Self {
        Cur { file, line, pos: 0 }
    }

    fn peek(&self) -> Option<&'p Token<'a>> {
        self.line.tokens.get(self.pos)
    }

    fn peek_word(&self) -> Option<&'p str> {
        self.peek()
            .filter(|t| t.kind == TokKind::Word)
            .map(|t| t.raw)
    }

    fn bump(&mut self) -> Option<&'p Token<'a>> {
        let t = self.line.tokens.get(self.pos);
        if t.is_some() {
            self.pos += 1;
        }
        t
    }

    /// An error at `tok` (or at the end of the line).
    fn err_at(&self, tok: Option<&Token<'_>>, expected: impl Into<String>) -> ParseError {
        let (s, e) = match tok {
            Some(t) => (t.start, t.end),
            None => {
                let n = self.line.text.trim_end().len();
                (n, n + 1)
            }
        };
        self.err_span(s, e, expected, describe(tok))
    }

    fn err_span(
        &self,
        start: usize,
        end: usize,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> ParseError {
        ParseError::at(
            self.file,
            self.line.number,
            self.line.text,
            start,
            end,
            expected,
            found,
        )
    }

    /// An error at the next token.
    fn expected(&self, expected: impl Into<String>) -> ParseError {
        self.err_at(self.peek(), expected)
    }

    /// The next token, which must be a word.
    fn word(&mut self, what: &str) -> PResult<&'p Token<'a>> {
        match self.peek() {
            Some(t) if t.kind == TokKind::Word => {
                self.pos += 1;
                Ok(t)
            }
            other => Err(self.err_at(other, what)),
        }
    }

    /// The next word as an owned string.
    fn text(&mut self, what: &str) -> PResult<String> {
        self.word(what).map(|t| t.raw.to_string())
    }

    /// The next token, which must be a quoted string.
    fn string(&mut self, what: &str) -> PResult<String> {
        match self.peek() {
            Some(t) if t.kind == TokKind::Str => {
                self.pos += 1;
                Ok(t.value.to_string())
            }
            other => Err(self.err_at(other, what)),
        }
    }

    /// Consumes the keyword `kw` if it is next.
    fn eat(&mut self, kw: &str) -> bool {
        if self.peek_word() == Some(kw) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_comma(&mut self) -> bool {
        if self.peek().is_some_and(|t| t.kind == TokKind::Comma) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn end(&self, what: &str) -> PResult<()> {
        match self.peek() {
            None => Ok(()),
            Some(t) => Err(self.err_at(Some(t), what)),
        }
    }

    /// The next word parsed by `T`'s `FromStr`, reporting its own "expected".
    fn value<T: FromStr<Err = ValueError>>(&mut self, what: &str) -> PResult<(T, &'p Token<'a>)> {
        let tok = self.word(what)?;
        tok.raw
            .parse::<T>()
            .map(|v| (v, tok))
            .map_err(|e| self.err_at(Some(tok), e.expected))
    }

    /// The next word parsed by any `FromStr`, with the given "expected".
    fn parse<T: FromStr>(&mut self, what: &str) -> PResult<T> {
        let tok = self.word(what)?;
        tok.raw
            .parse::<T>()
            .map_err(|_| self.err_at(Some(tok), what))
    }

    /// One or more items separated by commas.
    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> PResult<T>) -> PResult<Vec<T>> {
        let mut v = vec![item(self)?];
        while self.eat_comma() {
            v.push(item(self)?);
        }
        Ok(v)
    }

    /// Column (1-based, characters) of `tok`.
    fn col(&self, tok: &Token<'_>) -> u32 {
        let n = self.line.text[..tok.start].chars().count() + 1;
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    fn origin(&self, tok: &Token<'_>) -> Origin {
        Origin::line_col(self.file, self.line.number, self.col(tok))
    }

    /// Fails when an option given once appears again.
    fn once(&self, already: bool, tok: &Token<'_>) -> PResult<()> {
        if already {
            Err(self.err_span(
                tok.start,
                tok.end,
                "each option at most once",
                format!("a second \"{}\"", tok.raw),
            ))
        } else {
            Ok(())
        }
    }
}

/// A block opened by a header line.
#[derive(Debug, Clone, Copy)]
enum BlockKind {
    Group(usize),
    Nacl(usize),
    RouteTable(usize),
    Instance(usize),
    PrefixList(usize),
}

#[derive(Debug)]
struct Block {
    kind: BlockKind,
    indent: Option<String>,
}

/// Parses a whole file.
pub(crate) fn parse_text(
    file: &Arc<str>,
    text: &str,
) -> Result<(Topology, Vec<Diagnostic>), ParseError> {
    let mut b = Builder {
        file,
        topo: Topology::new(),
        diags: Vec::new(),
        seen: HashMap::new(),
        volumes: HashMap::new(),
        block: None,
    };
    for (n, raw) in lex::lines(text) {
        let line = lex::lex_line(n, raw).map_err(|e| {
            ParseError::at(file, e.line, &e.text, e.start, e.end, e.expected, e.found)
        })?;
        let Some(first) = line.tokens.first() else {
            continue;
        };
        if line.indent.is_empty() {
            b.block = None;
            b.statement(&line)?;
            continue;
        }
        let cur = Cur::new(file, &line);
        let Some(block) = b.block.as_mut() else {
            return Err(cur.err_span(
                0,
                first.end,
                format!("{STATEMENT} at the start of the line (only the body of a group, nacl, route-table, instance or prefix-list is indented)"),
                "an indented line",
            ));
        };
        match &block.indent {
            None => block.indent = Some(line.indent.to_string()),
            Some(i) if i.as_str() != line.indent => {
                return Err(cur.err_span(
                    0,
                    first.start,
                    format!(
                        "the indentation of the block's first line ({} characters)",
                        i.chars().count()
                    ),
                    format!("{} characters", line.indent.chars().count()),
                ));
            }
            Some(_) => {}
        }
        let kind = block.kind;
        b.body_line(kind, &line)?;
    }
    Ok((b.topo, b.diags))
}

struct Builder<'f> {
    file: &'f Arc<str>,
    topo: Topology,
    diags: Vec<Diagnostic>,
    /// (statement kind, id) → where first declared.
    seen: HashMap<(&'static str, String), Origin>,
    /// Volume id → index in `topo.volumes`.
    volumes: HashMap<String, usize>,
    block: Option<Block>,
}

impl Builder<'_> {
    fn open(&mut self, kind: BlockKind) {
        self.block = Some(Block { kind, indent: None });
    }

    /// Records a declaration; a repeated (kind, id) is a warning (both objects are kept).
    fn declare(&mut self, kind: &'static str, id: &str, origin: &Origin) {
        match self.seen.entry((kind, id.to_string())) {
            Entry::Occupied(o) => self.diags.push(Diagnostic::warning(
                Some(origin.clone()),
                format!("duplicate {kind} {id} (first declared at {})", o.get()),
            )),
            Entry::Vacant(v) => {
                v.insert(origin.clone());
            }
        }
    }

    /// Parses a CIDR word, warning (and masking) when host bits are set.
    fn cidr(&mut self, c: &mut Cur<'_, '_>, what: &str) -> PResult<Cidr> {
        let tok = c.word(what)?;
        match Cidr::parse_reporting(tok.raw) {
            // Read as decimal, but octal to some tools; the AWS reader rejects it too.
            Ok(_) if let Some(problem) = Cidr::leading_zero_problem(tok.raw) => Err(c.err_span(
                tok.start,
                tok.end,
                Cidr::EXPECTED,
                format!("{} ({problem})", describe(Some(tok))),
            )),
            Ok(p) => {
                if p.had_host_bits {
                    self.diags.push(Diagnostic::warning(
                        Some(c.origin(tok)),
                        format!("CIDR {} has host bits set; read as {}", tok.raw, p.cidr),
                    ));
                }
                Ok(p.cidr)
            }
            Err(e) => Err(c.err_at(Some(tok), e.expected)),
        }
    }

    fn cidr_list(&mut self, c: &mut Cur<'_, '_>, what: &str) -> PResult<Vec<Cidr>> {
        let mut v = vec![self.cidr(c, what)?];
        while c.eat_comma() {
            v.push(self.cidr(c, what)?);
        }
        Ok(v)
    }

    fn statement(&mut self, line: &Line<'_>) -> PResult<()> {
        let mut c = Cur::new(self.file, line);
        let kw = c.word(STATEMENT)?;
        match kw.raw {
            "group" => self.group(c, kw),
            "prefix-list" => self.prefix_list(c, kw),
            "nacl" => self.nacl(c, kw),
            "vpc" => self.vpc(c, kw),
            "igw" => self.igw(c, kw),
            "subnet" => self.subnet(c, kw),
            "route-table" => self.route_table(c, kw),
            "instance" => self.instance(c, kw),
            "eni" => self.eni(c, kw, None),
            "volume" => self.volume(c, kw, None),
            "eip" | "address" => self.eip(c, kw),
            "service" => self.service(c, kw),
            "expect" => self.expect(c, kw),
            _ => Err(c.err_at(Some(kw), STATEMENT)),
        }
    }

    fn body_line(&mut self, kind: BlockKind, line: &Line<'_>) -> PResult<()> {
        let mut c = Cur::new(self.file, line);
        match kind {
            BlockKind::Group(i) => self.sg_rule(c, i),
            BlockKind::Nacl(i) => self.nacl_entry(c, i),
            BlockKind::RouteTable(i) => self.route(c, i),
            BlockKind::PrefixList(i) => {
                let entries = self.pl_entries(&mut c)?;
                c.end("`,` and another entry, or the end of the line")?;
                let pl = &mut self.topo.prefix_lists[i];
                match &mut pl.entries {
                    Some(v) => v.extend(entries),
                    None => {
                        return Err(c.err_at(
                            line.tokens.first(),
                            "no entries for a prefix list declared `unknown`",
                        ));
                    }
                }
                Ok(())
            }
            BlockKind::Instance(i) => {
                const WHAT: &str = "an instance body line (eni, volume or listen)";
                let kw = c.word(WHAT)?;
                match kw.raw {
                    "eni" => self.eni(c, kw, Some(i)),
                    "volume" => self.volume(c, kw, Some(i)),
                    "listen" => self.listen(c, kw, i),
                    _ => Err(c.err_at(Some(kw), WHAT)),
                }
            }
        }
    }

    // -----------------------------------------------------------------------------------
    // Security groups

    fn group(&mut self, mut c: Cur<'_, '_>, kw: &Token<'_>) -> PResult<()> {
        let origin = c.origin(kw);
        let id = c.text("a group id such as sg-0123abcd")?;
        let mut g = SecurityGroup {
            id: GroupId(id),
            name: None,
            description: None,
            vpc: None,
            owner: None,
            ingress: Vec::new(),
            egress: Vec::new(),
            scope: Scope::default(),
            origin: origin.clone(),
        };
        const OPTS: &str =
            "a group option (\"description\", name \"…\", vpc, owner) or the end of the line";
        while let Some(t) = c.peek() {
            if t.kind == TokKind::Str {
                c.once(g.description.is_some(), t)?;
                g.description = Some(c.string(OPTS)?);
                continue;
            }
            let t = c.word(OPTS)?;
            match t.raw {
                "name" => {
                    c.once(g.name.is_some(), t)?;
                    g.name = Some(c.string("a quoted group name")?);
                }
                "description" => {
                    c.once(g.description.is_some(), t)?;
                    g.description = Some(c.string("a quoted description")?);
                }
                "vpc" => {
                    c.once(g.vpc.is_some(), t)?;
                    g.vpc = Some(VpcId(c.text("a VPC id")?));
                }
                "owner" => {
                    c.once(g.owner.is_some(), t)?;
                    g.owner = Some(AccountId(c.text("an account id")?));
                }
                _ => return Err(c.err_at(Some(t), OPTS)),
            }
        }
        self.declare("group", g.id.as_str(), &origin);
        self.topo.security_groups.push(g);
        self.open(BlockKind::Group(self.topo.security_groups.len() - 1));
        Ok(())
    }

    /// `in|out`.
    fn direction(c: &mut Cur<'_, '_>, what: &str) -> PResult<Direction> {
        let t = c.word(what)?;
        match t.raw {
            "in" => Ok(Direction::Ingress),
            "out" => Ok(Direction::Egress),
            _ => Err(c.err_at(Some(t), what)),
        }
    }

    /// The ports / ICMP matches after a protocol. `many` allows a comma list.
    fn l4_list(
        c: &mut Cur<'_, '_>,
        proto: Protocol,
        dir: Direction,
        many: bool,
    ) -> PResult<Vec<L4>> {
        let peer_kw = peer_keyword(dir);
        let at_peer = |c: &Cur<'_, '_>| c.peek_word() == Some(peer_kw);
        let item = |c: &mut Cur<'_, '_>| -> PResult<L4> {
            if proto.has_ports() {
                c.value::<PortRange>("a port (0-65535) or range LO-HI")
                    .map(|(p, _)| L4::Ports(p))
            } else {
                c.value::<IcmpMatch>("an ICMP TYPE or TYPE:CODE")
                    .map(|(m, _)| L4::Icmp(m))
            }
        };
        if !proto.has_ports() && !proto.is_icmp() {
            return Ok(vec![L4::Any]);
        }
        if at_peer(c) {
            return Ok(vec![L4::normalize(proto, L4::Any)]);
        }
        if many {
            c.list(item)
        } else {
            let v = item(c)?;
            if c.peek().is_some_and(|t| t.kind == TokKind::Comma) {
                return Err(c.expected(format!(
                    "`{peer_kw}` (a NACL entry has one port range and one rule number; write one entry per line)"
                )));
            }
            Ok(vec![v])
        }
    }

    fn expect_peer_kw(c: &mut Cur<'_, '_>, proto: Protocol, dir: Direction) -> PResult<()> {
        let kw = peer_keyword(dir);
        if c.eat(kw) {
            return Ok(());
        }
        let why = if proto.has_ports() || proto.is_icmp() {
            match dir {
                Direction::Ingress => "`,` and another value, or `from` and the sources",
                Direction::Egress => "`,` and another value, or `to` and the destinations",
            }
        } else {
            match dir {
                Direction::Ingress => "`from` (protocol all and protocol numbers take no ports)",
                Direction::Egress => "`to` (protocol all and protocol numbers take no ports)",
            }
        };
        Err(c.expected(why))
    }

    fn peer(&mut self, c: &mut Cur<'_, '_>) -> PResult<(Peer, u32)> {
        const WHAT: &str = "a peer (a CIDR block, a pl-… prefix list or [ACCOUNT/]sg-… group)";
        let tok = match c.peek() {
            Some(t) if t.kind == TokKind::Word => t,
            other => return Err(c.err_at(other, WHAT)),
        };
        let col = c.col(tok);
        let v = tok.raw;
        let peer = if v.starts_with("pl-") {
            c.bump();
            Peer::PrefixList {
                id: PrefixListId::from(v),
            }
        } else if v.starts_with("sg-") {
            c.bump();
            Peer::Group(Box::new(GroupRef::to(v)))
        } else if let Some((acct, g)) = v.split_once('/')
            && g.starts_with("sg-")
            && !acct.is_empty()
        {
            c.bump();
            let mut r = GroupRef::to(g);
            r.owner = Some(AccountId::from(acct));
            Peer::Group(Box::new(r))
        } else if v.contains(['.', ':']) {
            Peer::Cidr {
                cidr: self.cidr(c, WHAT)?,
            }
        } else {
            return Err(c.err_at(Some(tok), WHAT));
        };
        Ok((peer, col))
    }

    fn sg_rule(&mut self, mut c: Cur<'_, '_>, gi: usize) -> PResult<()> {
        let dir = Self::direction(&mut c, "a rule starting with `in` or `out`")?;
        let (proto, _) = c.value::<Protocol>("a protocol")?;
        let l4s = Self::l4_list(&mut c, proto, dir, true)?;
        Self::expect_peer_kw(&mut c, proto, dir)?;
        let mut peers = vec![self.peer(&mut c)?];
        while c.eat_comma() {
            peers.push(self.peer(&mut c)?);
        }
        const TAIL: &str =
            "`,` and another peer, a quoted description, `id sgr-…` or the end of the line";
        let description = match c.peek() {
            Some(t) if t.kind == TokKind::Str => Some(c.string(TAIL)?),
            _ => None,
        };
        let mut rule_id = None;
        if let Some(t) = c
            .peek()
            .filter(|t| t.raw == "id" && t.kind == TokKind::Word)
        {
            c.bump();
            if l4s.len() * peers.len() != 1 {
                return Err(c.err_span(
                    t.start,
                    t.end,
                    "a rule id only on a line with one port range and one peer",
                    format!(
                        "\"id\" on a line that makes {} rules",
                        l4s.len() * peers.len()
                    ),
                ));
            }
            rule_id = Some(c.text("a rule id such as sgr-0123abcd")?);
        }
        c.end(TAIL)?;
        let g = &mut self.topo.security_groups[gi];
        let target = match dir {
            Direction::Ingress => &mut g.ingress,
            Direction::Egress => &mut g.egress,
        };
        for l4 in &l4s {
            for (peer, col) in &peers {
                target.push(Rule {
                    direction: dir,
                    protocol: proto,
                    l4: L4::normalize(proto, *l4),
                    peer: peer.clone(),
                    description: description.clone(),
                    rule_id: rule_id.clone(),
                    origin: Origin::line_col(self.file, c.line.number, *col),
                });
            }
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------
    // Prefix lists

    fn pl_entries(&mut self, c: &mut Cur<'_, '_>) -> PResult<Vec<PrefixListEntry>> {
        let mut v = Vec::new();
        loop {
            let cidr = self.cidr(c, "a prefix-list entry (a CIDR block)")?;
            let description = match c.peek() {
                Some(t) if t.kind == TokKind::Str => Some(c.string("a description")?),
                _ => None,
            };
            v.push(PrefixListEntry { cidr, description });
            if !c.eat_comma() {
                return Ok(v);
            }
        }
    }

    fn prefix_list(&mut self, mut c: Cur<'_, '_>, kw: &Token<'_>) -> PResult<()> {
        let origin = c.origin(kw);
        let id = c.text("a prefix list id such as pl-0123abcd")?;
        let mut pl = PrefixList {
            id: PrefixListId(id),
            name: None,
            family: None,
            max_entries: None,
            entries: Some(Vec::new()),
            owner: None,
            scope: Scope::default(),
            origin: origin.clone(),
        };
        let mut unknown = false;
        while let Some(t) = c.peek_word() {
            let tok = c.peek();
            match t {
                "name" => {
                    c.bump();
                    c.once(pl.name.is_some(), tok.unwrap_or(kw))?;
                    pl.name = Some(c.string("a quoted prefix list name")?);
                }
                "max" => {
                    c.bump();
                    c.once(pl.max_entries.is_some(), tok.unwrap_or(kw))?;
                    pl.max_entries = Some(c.parse::<u32>("a maximum entry count (a number)")?);
                }
                "family" => {
                    c.bump();
                    c.once(pl.family.is_some(), tok.unwrap_or(kw))?;
                    pl.family = Some(c.value::<Family>("ipv4 or ipv6")?.0);
                }
                "owner" => {
                    c.bump();
                    c.once(pl.owner.is_some(), tok.unwrap_or(kw))?;
                    pl.owner = Some(AccountId(c.text("an account id")?));
                }
                "unknown" => {
                    c.bump();
                    c.once(unknown, tok.unwrap_or(kw))?;
                    unknown = true;
                    pl.entries = None;
                }
                _ => break,
            }
        }
        if c.peek().is_some() {
            if unknown {
                return Err(c.expected(
                    "the end of the line (a prefix list with `unknown` entries lists none)",
                ));
            }
            let entries = self.pl_entries(&mut c)?;
            pl.entries = Some(entries);
            c.end("`,` and another entry, or the end of the line")?;
        }
        self.declare("prefix-list", pl.id.as_str(), &origin);
        self.topo.prefix_lists.push(pl);
        self.open(BlockKind::PrefixList(self.topo.prefix_lists.len() - 1));
        Ok(())
    }

    // -----------------------------------------------------------------------------------
    // NACLs

    fn nacl(&mut self, mut c: Cur<'_, '_>, kw: &Token<'_>) -> PResult<()> {
        let origin = c.origin(kw);
        let id = c.text("a network ACL id such as acl-0123abcd")?;
        let mut n = NetworkAcl {
            id: NaclId(id),
            vpc: None,
            is_default: false,
            entries: Vec::new(),
            subnets: Vec::new(),
            owner: None,
            scope: Scope::default(),
            origin: origin.clone(),
        };
        const OPTS: &str = "a nacl option (vpc, default, owner, subnets) or the end of the line";
        let mut subnets = false;
        while c.peek().is_some() {
            let t = c.word(OPTS)?;
            match t.raw {
                "vpc" => {
                    c.once(n.vpc.is_some(), t)?;
                    n.vpc = Some(VpcId(c.text("a VPC id")?));
                }
                "default" => {
                    c.once(n.is_default, t)?;
                    n.is_default = true;
                }
                "owner" => {
                    c.once(n.owner.is_some(), t)?;
                    n.owner = Some(AccountId(c.text("an account id")?));
                }
                "subnets" => {
                    c.once(subnets, t)?;
                    subnets = true;
                    n.subnets = c.list(|c| c.text("a subnet id").map(SubnetId))?;
                }
                _ => return Err(c.err_at(Some(t), OPTS)),
            }
        }
        self.declare("nacl", n.id.as_str(), &origin);
        self.topo.network_acls.push(n);
        self.open(BlockKind::Nacl(self.topo.network_acls.len() - 1));
        Ok(())
    }

    fn nacl_entry(&mut self, mut c: Cur<'_, '_>, ni: usize) -> PResult<()> {
        let first = c.peek();
        let dir = Self::direction(&mut c, "a NACL entry starting with `in` or `out`")?;
        let origin = first.map(|t| c.origin(t));
        let num_tok = c.word("a rule number (0-65535)")?;
        let rule_number = if num_tok.raw.bytes().all(|b| b.is_ascii_digit()) {
            num_tok.raw.parse::<u16>().ok()
        } else {
            None
        };
        let Some(rule_number) = rule_number else {
            return Err(c.err_at(Some(num_tok), "a rule number (0-65535)"));
        };
        let (action, _) = c.value::<NaclAction>("allow or deny")?;
        let (proto, _) = c.value::<Protocol>("a protocol")?;
        let l4 = Self::l4_list(&mut c, proto, dir, false)?
            .pop()
            .unwrap_or(L4::Any);
        Self::expect_peer_kw(&mut c, proto, dir)?;
        let cidr = self.cidr(&mut c, "a CIDR block")?;
        c.end("the end of the entry (a NACL entry has one CIDR)")?;
        let origin = origin.unwrap_or_else(|| Origin::file(self.file));
        self.topo.network_acls[ni].entries.push(NaclEntry {
            rule_number,
            direction: dir,
            action,
            protocol: proto,
            l4: L4::normalize(proto, l4),
            cidr,
            origin,
        });
        Ok(())
    }

    // -----------------------------------------------------------------------------------
    // VPCs, gateways, subnets, route tables

    fn vpc(&mut self, mut c: Cur<'_, '_>, kw: &Token<'_>) -> PResult<()> {
        let origin = c.origin(kw);
        let id = c.text("a VPC id such as vpc-0123abcd")?;
        let mut v = Vpc {
            id: VpcId(id),
            cidrs: Vec::new(),
            is_default: false,
            owner: None,
            scope: Scope::default(),
            origin: origin.clone(),
        };
        const OPTS: &str = "a vpc option (cidr, default, owner) or the end of the line";
        let mut cidr = false;
        while c.peek().is_some() {
            let t = c.word(OPTS)?;
            match t.raw {
                "cidr" => {
                    c.once(cidr, t)?;
                    cidr = true;
                    v.cidrs = self.cidr_list(&mut c, "a CIDR block")?;
                }
                "default" => {
                    c.once(v.is_default, t)?;
                    v.is_default = true;
                }
                "owner" => {
                    c.once(v.owner.is_some(), t)?;
                    v.owner = Some(AccountId(c.text("an account id")?));
                }
                _ => return Err(c.err_at(Some(t), OPTS)),
            }
        }
        self.declare("vpc", v.id.as_str(), &origin);
        self.topo.vpcs.push(v);
        Ok(())
    }

    fn igw(&mut self, mut c: Cur<'_, '_>, kw: &Token<'_>) -> PResult<()> {
        let origin = c.origin(kw);
        let id = c.text("an internet gateway id such as igw-0123abcd")?;
        let mut g = InternetGateway {
            id: IgwId(id),
            vpcs: Vec::new(),
            scope: Scope::default(),
            origin: origin.clone(),
        };
        if c.peek().is_some() {
            let t = c.word("`vpc` or the end of the line")?;
            if t.raw != "vpc" {
                return Err(c.err_at(Some(t), "`vpc` or the end of the line"));
            }
            g.vpcs = c.list(|c| c.text("a VPC id").map(VpcId))?;
            c.end("`,` and another VPC id, or the end of the line")?;
        }
        self.declare("igw", g.id.as_str(), &origin);
        self.topo.internet_gateways.push(g);
        Ok(())
    }

    fn subnet(&mut self, mut c: Cur<'_, '_>, kw: &Token<'_>) -> PResult<()> {
        let origin = c.origin(kw);
        let id = c.text("a subnet id such as subnet-0123abcd")?;
        let mut s = Subnet {
            id: SubnetId(id),
            vpc: None,
            cidr: None,
            ipv6_cidrs: Vec::new(),
            az: None,
            map_public_ip_on_launch: false,
            owner: None,
            scope: Scope::default(),
            origin: origin.clone(),
        };
        const OPTS: &str = "a subnet option (vpc, cidr, ipv6, az, public-ip-on-launch, owner) or the end of the line";
        let mut v6 = false;
        while c.peek().is_some() {
            let t = c.word(OPTS)?;
            match t.raw {
                "vpc" => {
                    c.once(s.vpc.is_some(), t)?;
                    s.vpc = Some(VpcId(c.text("a VPC id")?));
                }
                "cidr" => {
                    c.once(s.cidr.is_some(), t)?;
                    s.cidr = Some(self.cidr(&mut c, "a CIDR block")?);
                }
                "ipv6" => {
                    c.once(v6, t)?;
                    v6 = true;
                    s.ipv6_cidrs = self.cidr_list(&mut c, "an IPv6 CIDR block")?;
                }
                "az" => {
                    c.once(s.az.is_some(), t)?;
                    s.az = Some(c.text("an availability zone")?);
                }
                "public-ip-on-launch" => {
                    c.once(s.map_public_ip_on_launch, t)?;
                    s.map_public_ip_on_launch = true;
                }
                "owner" => {
                    c.once(s.owner.is_some(), t)?;
                    s.owner = Some(AccountId(c.text("an account id")?));
                }
                _ => return Err(c.err_at(Some(t), OPTS)),
            }
        }
        self.declare("subnet", s.id.as_str(), &origin);
        self.topo.subnets.push(s);
        Ok(())
    }

    fn route_table(&mut self, mut c: Cur<'_, '_>, kw: &Token<'_>) -> PResult<()> {
        let origin = c.origin(kw);
        let id = c.text("a route table id such as rtb-0123abcd")?;
        let mut r = RouteTable {
            id: RouteTableId(id),
            vpc: None,
            main: false,
            subnets: Vec::new(),
            routes: Vec::new(),
            scope: Scope::default(),
            origin: origin.clone(),
        };
        const OPTS: &str = "a route-table option (vpc, main, subnets) or the end of the line";
        let mut subnets = false;
        while c.peek().is_some() {
            let t = c.word(OPTS)?;
            match t.raw {
                "vpc" => {
                    c.once(r.vpc.is_some(), t)?;
                    r.vpc = Some(VpcId(c.text("a VPC id")?));
                }
                "main" => {
                    c.once(r.main, t)?;
                    r.main = true;
                }
                "subnets" => {
                    c.once(subnets, t)?;
                    subnets = true;
                    r.subnets = c.list(|c| c.text("a subnet id").map(SubnetId))?;
                }
                _ => return Err(c.err_at(Some(t), OPTS)),
            }
        }
        self.declare("route-table", r.id.as_str(), &origin);
        self.topo.route_tables.push(r);
        self.open(BlockKind::RouteTable(self.topo.route_tables.len() - 1));
        Ok(())
    }

    fn route(&mut self, mut c: Cur<'_, '_>, ri: usize) -> PResult<()> {
        let kw = c.word("a route line starting with `route`")?;
        if kw.raw != "route" {
            return Err(c.err_at(Some(kw), "a route line starting with `route`"));
        }
        let origin = c.origin(kw);
        let destination = match c.peek_word() {
            Some(w) if w.starts_with("pl-") => {
                c.bump();
                RouteDestination::PrefixList {
                    id: PrefixListId::from(w),
                }
            }
            _ => RouteDestination::Cidr {
                cidr: self.cidr(&mut c, "a route destination (a CIDR block or pl-…)")?,
            },
        };
        if !c.eat("via") {
            return Err(c.expected("`via` and the route target"));
        }
        let target =
            RouteTarget::from_id(&c.text("a route target (local, igw-…, nat-…, pcx-…, …)")?);
        let blackhole = c.eat("blackhole");
        c.end("`blackhole` or the end of the line")?;
        self.topo.route_tables[ri].routes.push(Route {
            destination,
            target,
            blackhole,
            origin,
        });
        Ok(())
    }

    // -----------------------------------------------------------------------------------
    // Instances, ENIs, volumes, listeners, addresses

    fn instance(&mut self, mut c: Cur<'_, '_>, kw: &Token<'_>) -> PResult<()> {
        let origin = c.origin(kw);
        let id = c.text("an instance id such as i-0123abcd")?;
        let mut inst = Instance::new(InstanceId(id), InstanceState::Running, origin.clone());
        const OPTS: &str = "an instance option (state, type, az, subnet, vpc, hibernation, placement, root-device, root-type, owner) or the end of the line";
        let mut state = false;
        while c.peek().is_some() {
            let t = c.word(OPTS)?;
            match t.raw {
                "state" => {
                    c.once(state, t)?;
                    state = true;
                    inst.state = c.value::<InstanceState>("an instance state")?.0;
                }
                "type" => {
                    c.once(inst.instance_type.is_some(), t)?;
                    inst.instance_type = Some(c.text("an instance type such as t3.micro")?);
                }
                "az" => {
                    c.once(inst.az.is_some(), t)?;
                    inst.az = Some(c.text("an availability zone")?);
                }
                "subnet" => {
                    c.once(inst.subnet.is_some(), t)?;
                    inst.subnet = Some(SubnetId(c.text("a subnet id")?));
                }
                "vpc" => {
                    c.once(inst.vpc.is_some(), t)?;
                    inst.vpc = Some(VpcId(c.text("a VPC id")?));
                }
                "hibernation" => {
                    c.once(inst.hibernation, t)?;
                    inst.hibernation = true;
                }
                "placement" => {
                    c.once(inst.placement_group.is_some(), t)?;
                    inst.placement_group = Some(c.text("a placement group name")?);
                }
                "root-device" => {
                    c.once(inst.root_device_name.is_some(), t)?;
                    inst.root_device_name = Some(c.text("a device name such as /dev/xvda")?);
                }
                "root-type" => {
                    c.once(inst.root_device_type.is_some(), t)?;
                    inst.root_device_type =
                        Some(c.text("a root device type (ebs or instance-store)")?);
                }
                "owner" => {
                    c.once(inst.owner.is_some(), t)?;
                    inst.owner = Some(AccountId(c.text("an account id")?));
                }
                _ => return Err(c.err_at(Some(t), OPTS)),
            }
        }
        self.declare("instance", inst.id.as_str(), &origin);
        self.topo.instances.push(inst);
        self.open(BlockKind::Instance(self.topo.instances.len() - 1));
        Ok(())
    }

    /// `IP [public IP | eip IP [eipalloc-…]]`.
    fn private_ip(c: &mut Cur<'_, '_>) -> PResult<PrivateIp> {
        let ip = c.parse::<Ipv4Addr>("a private IPv4 address")?;
        let public = if c.eat("public") {
            Some(PublicIp {
                ip: c.parse::<Ipv4Addr>("a public IPv4 address")?,
                allocation_id: None,
                ip_owner: Some("amazon".to_string()),
            })
        } else if c.eat("eip") {
            let ip = c.parse::<Ipv4Addr>("an Elastic IP address")?;
            let allocation_id = match c.peek_word() {
                Some(w) if w.starts_with("eipalloc-") => {
                    c.bump();
                    Some(w.to_string())
                }
                _ => None,
            };
            Some(PublicIp {
                ip,
                allocation_id,
                ip_owner: None,
            })
        } else {
            None
        };
        Ok(PrivateIp {
            ip,
            primary: false,
            public,
        })
    }

    fn eni(&mut self, mut c: Cur<'_, '_>, kw: &Token<'_>, inst: Option<usize>) -> PResult<()> {
        let origin = c.origin(kw);
        let id = c.text("a network interface id such as eni-0123abcd")?;
        let mut e = Eni::new(EniId(id), origin.clone());
        const OPTS: &str = "an eni option (subnet, vpc, az, ip, ipv6, groups, index, type, status, source-dest-check, owner, \"description\", attached-to) or the end of the line";
        let (mut ips, mut v6, mut groups) = (false, false, false);
        let mut index: Option<u32> = None;
        let mut attached_to: Option<InstanceId> = None;
        while let Some(t) = c.peek() {
            if t.kind == TokKind::Str {
                c.once(e.description.is_some(), t)?;
                e.description = Some(c.string(OPTS)?);
                continue;
            }
            let t = c.word(OPTS)?;
            match t.raw {
                "subnet" => {
                    c.once(e.subnet.is_some(), t)?;
                    e.subnet = Some(SubnetId(c.text("a subnet id")?));
                }
                "vpc" => {
                    c.once(e.vpc.is_some(), t)?;
                    e.vpc = Some(VpcId(c.text("a VPC id")?));
                }
                "az" => {
                    c.once(e.az.is_some(), t)?;
                    e.az = Some(c.text("an availability zone")?);
                }
                "ip" => {
                    c.once(ips, t)?;
                    ips = true;
                    e.private_ips = c.list(Self::private_ip)?;
                    if let Some(p) = e.private_ips.first_mut() {
                        p.primary = true;
                    }
                }
                "ipv6" => {
                    c.once(v6, t)?;
                    v6 = true;
                    e.ipv6 = c.list(|c| c.parse::<Ipv6Addr>("an IPv6 address"))?;
                }
                "groups" => {
                    c.once(groups, t)?;
                    groups = true;
                    e.groups = c.list(|c| c.text("a group id").map(GroupId))?;
                }
                "index" => {
                    c.once(index.is_some(), t)?;
                    index = Some(c.parse::<u32>("a device index (a number)")?);
                }
                "type" => {
                    c.once(e.interface_type.is_some(), t)?;
                    e.interface_type = Some(c.text("an interface type such as interface")?);
                }
                "status" => {
                    c.once(e.status.is_some(), t)?;
                    e.status = Some(c.text("a status such as in-use")?);
                }
                "source-dest-check" => {
                    c.once(e.source_dest_check.is_some(), t)?;
                    e.source_dest_check = Some(c.parse::<bool>("true or false")?);
                }
                "owner" => {
                    c.once(e.owner.is_some(), t)?;
                    e.owner = Some(AccountId(c.text("an account id")?));
                }
                "description" => {
                    c.once(e.description.is_some(), t)?;
                    e.description = Some(c.string("a quoted description")?);
                }
                "attached-to" if inst.is_none() => {
                    c.once(attached_to.is_some(), t)?;
                    attached_to = Some(InstanceId(c.text("an instance id")?));
                }
                _ => return Err(c.err_at(Some(t), OPTS)),
            }
        }
        match inst {
            Some(ii) => {
                let i = &mut self.topo.instances[ii];
                e.attachment = Some(EniAttachment {
                    instance: Some(i.id.clone()),
                    device_index: index,
                    status: None,
                    delete_on_termination: None,
                });
                i.enis.push(e.id.clone());
            }
            None if attached_to.is_some() || index.is_some() => {
                e.attachment = Some(EniAttachment {
                    instance: attached_to,
                    device_index: index,
                    status: None,
                    delete_on_termination: None,
                });
            }
            // Unattached, as the language says: the status AWS shows for it, unless
            // written (a service's interface, `type network_load_balancer`, is in use
            // without an instance).
            None if e.status.is_none() && e.is_instance_type() => {
                e.status = Some("available".to_string());
            }
            None => {}
        }
        self.declare("eni", e.id.as_str(), &origin);
        self.topo.enis.push(e);
        Ok(())
    }

    fn volume(&mut self, mut c: Cur<'_, '_>, kw: &Token<'_>, inst: Option<usize>) -> PResult<()> {
        let origin = c.origin(kw);
        let id = c.text("a volume id such as vol-0123abcd")?;
        let mut v = Volume {
            id: VolumeId(id),
            az: None,
            size_gib: None,
            volume_type: None,
            encrypted: false,
            multi_attach: false,
            state: None,
            attachments: Vec::new(),
            scope: Scope::default(),
            origin: origin.clone(),
        };
        const OPTS: &str = "a volume option (SIZE such as 8GiB, a type such as gp3, type, encrypted, multi-attach, az, state; in an instance: root, device, delete-on-termination, keep-on-termination) or the end of the line";
        let mut props = false;
        let mut device: Option<String> = None;
        let mut root = false;
        let mut dot: Option<bool> = None;
        while c.peek().is_some() {
            let t = c.word(OPTS)?;
            let in_instance = |c: &Cur<'_, '_>| -> PResult<()> {
                if inst.is_none() {
                    Err(c.err_at(
                        Some(t),
                        "a standalone volume option (root, device and delete-/keep-on-termination belong to a volume line inside an instance)",
                    ))
                } else {
                    Ok(())
                }
            };
            match t.raw {
                "encrypted" => {
                    c.once(v.encrypted, t)?;
                    v.encrypted = true;
                    props = true;
                }
                "multi-attach" => {
                    c.once(v.multi_attach, t)?;
                    v.multi_attach = true;
                    props = true;
                }
                "az" => {
                    c.once(v.az.is_some(), t)?;
                    v.az = Some(c.text("an availability zone")?);
                    props = true;
                }
                "state" => {
                    c.once(v.state.is_some(), t)?;
                    v.state = Some(c.text("a volume state such as in-use")?);
                    props = true;
                }
                "type" => {
                    c.once(v.volume_type.is_some(), t)?;
                    v.volume_type = Some(c.text("a volume type")?);
                    props = true;
                }
                "root" => {
                    in_instance(&c)?;
                    c.once(root, t)?;
                    root = true;
                }
                "device" => {
                    in_instance(&c)?;
                    c.once(device.is_some(), t)?;
                    device = Some(c.text("a device name such as /dev/sdf")?);
                }
                "delete-on-termination" | "keep-on-termination" => {
                    in_instance(&c)?;
                    c.once(dot.is_some(), t)?;
                    dot = Some(t.raw == "delete-on-termination");
                }
                w if VOLUME_TYPES.contains(&w) => {
                    c.once(v.volume_type.is_some(), t)?;
                    v.volume_type = Some(w.to_string());
                    props = true;
                }
                w => match size_gib(w) {
                    Some(n) => {
                        c.once(v.size_gib.is_some(), t)?;
                        v.size_gib = Some(n);
                        props = true;
                    }
                    None if w.bytes().next().is_some_and(|b| b.is_ascii_digit()) => {
                        return Err(c.err_at(Some(t), "a size in GiB such as 8GiB"));
                    }
                    None => return Err(c.err_at(Some(t), OPTS)),
                },
            }
        }
        let Some(ii) = inst else {
            if self.volumes.contains_key(v.id.as_str()) {
                self.declare("volume", v.id.as_str(), &origin);
            } else {
                self.seen.insert(("volume", v.id.0.clone()), origin.clone());
                self.volumes.insert(v.id.0.clone(), self.topo.volumes.len());
            }
            self.topo.volumes.push(v);
            return Ok(());
        };
        let i = &mut self.topo.instances[ii];
        let device = device.unwrap_or_else(|| {
            if root {
                "/dev/xvda".to_string()
            } else {
                let n = i
                    .block_devices
                    .iter()
                    .filter(|b| Some(&b.device) != i.root_device_name.as_ref())
                    .count()
                    .min(20) as u8;
                format!("/dev/sd{}", char::from(b'f' + n))
            }
        });
        if root {
            i.root_device_name.get_or_insert_with(|| device.clone());
            i.root_device_type.get_or_insert_with(|| "ebs".to_string());
        }
        i.block_devices.push(BlockDevice {
            device: device.clone(),
            volume: Some(v.id.clone()),
            delete_on_termination: dot,
        });
        let att = VolumeAttachment {
            instance: i.id.clone(),
            device: Some(device),
            state: None,
            delete_on_termination: dot,
        };
        match self.volumes.get(v.id.as_str()) {
            Some(&vi) => {
                let old = &mut self.topo.volumes[vi];
                let same = old.az == v.az
                    && old.size_gib == v.size_gib
                    && old.volume_type == v.volume_type
                    && old.encrypted == v.encrypted
                    && old.multi_attach == v.multi_attach
                    && old.state == v.state;
                old.attachments.push(att);
                if props && !same {
                    let first = old.origin.clone();
                    self.diags.push(Diagnostic::warning(
                        Some(origin),
                        format!(
                            "volume {} is already declared at {first}; the properties on this line are ignored",
                            v.id
                        ),
                    ));
                }
            }
            None => {
                v.attachments.push(att);
                self.seen.insert(("volume", v.id.0.clone()), origin);
                self.volumes.insert(v.id.0.clone(), self.topo.volumes.len());
                self.topo.volumes.push(v);
            }
        }
        Ok(())
    }

    fn listen(&mut self, mut c: Cur<'_, '_>, kw: &Token<'_>, ii: usize) -> PResult<()> {
        let origin = c.origin(kw);
        let (proto, ptok) = c.value::<Protocol>("a protocol (tcp or udp)")?;
        if !proto.has_ports() {
            return Err(c.err_at(Some(ptok), "tcp or udp (a listener has ports)"));
        }
        let ports = if c.peek().is_none() {
            vec![PortRange::ALL]
        } else {
            c.list(|c| {
                c.value::<PortRange>("a port (0-65535) or range LO-HI")
                    .map(|(p, _)| p)
            })?
        };
        c.end("`,` and another port, or the end of the line")?;
        let i = &mut self.topo.instances[ii];
        for p in ports {
            i.listeners.push(Listener {
                protocol: proto,
                ports: p,
                origin: origin.clone(),
            });
        }
        Ok(())
    }

    fn eip(&mut self, mut c: Cur<'_, '_>, kw: &Token<'_>) -> PResult<()> {
        let origin = c.origin(kw);
        let mut a = Address {
            public_ip: None,
            allocation_id: None,
            association_id: None,
            instance: None,
            eni: None,
            private_ip: None,
            domain: None,
            scope: Scope::default(),
            origin,
        };
        const OPTS: &str = "an address option (PUBLIC-IP, eipalloc-…, eipassoc-…, allocation, association, instance, eni, private-ip, domain) or the end of the line";
        while c.peek().is_some() {
            let t = c.word(OPTS)?;
            match t.raw {
                "allocation" => {
                    c.once(a.allocation_id.is_some(), t)?;
                    a.allocation_id = Some(c.text("an allocation id")?);
                }
                "association" => {
                    c.once(a.association_id.is_some(), t)?;
                    a.association_id = Some(c.text("an association id")?);
                }
                "instance" => {
                    c.once(a.instance.is_some(), t)?;
                    a.instance = Some(InstanceId(c.text("an instance id")?));
                }
                "eni" => {
                    c.once(a.eni.is_some(), t)?;
                    a.eni = Some(EniId(c.text("a network interface id")?));
                }
                "private-ip" => {
                    c.once(a.private_ip.is_some(), t)?;
                    a.private_ip = Some(c.parse::<Ipv4Addr>("a private IPv4 address")?);
                }
                "domain" => {
                    c.once(a.domain.is_some(), t)?;
                    a.domain = Some(c.text("a domain (vpc or standard)")?);
                }
                w if w.starts_with("eipalloc-") => {
                    c.once(a.allocation_id.is_some(), t)?;
                    a.allocation_id = Some(w.to_string());
                }
                w if w.starts_with("eipassoc-") => {
                    c.once(a.association_id.is_some(), t)?;
                    a.association_id = Some(w.to_string());
                }
                w => match w.parse::<Ipv4Addr>() {
                    Ok(ip) => {
                        c.once(a.public_ip.is_some(), t)?;
                        a.public_ip = Some(ip);
                    }
                    Err(_) => return Err(c.err_at(Some(t), OPTS)),
                },
            }
        }
        self.topo.addresses.push(a);
        Ok(())
    }

    /// `service KIND ID groups G, …`: another service's resource naming groups.
    fn service(&mut self, mut c: Cur<'_, '_>, kw: &Token<'_>) -> PResult<()> {
        let origin = c.origin(kw);
        const KINDS: &str = "a resource kind (rds-instance, rds-cluster, load-balancer, lambda-function, cluster, cache-cluster, search-domain, vpc-endpoint, batch-environment, launch-template, launch-configuration, ecs-service, eventbridge-target, eks-cluster, efs-mount-target, peered-vpc, config-resource)";
        let k = c.word(KINDS)?;
        let Ok(kind) = k.raw.parse::<UserKind>() else {
            return Err(c.err_at(Some(k), KINDS));
        };
        let id = match c.peek() {
            Some(t) if t.kind == TokKind::Str => c.string("the resource's name or id")?,
            _ => c.text("the resource's name or id (a word, or a quoted string)")?,
        };
        if !c.eat("groups") {
            return Err(c.expected("`groups` and the group ids the resource names"));
        }
        let groups = c.list(|c| c.text("a group id").map(GroupId))?;
        c.end("`,` and another group id, or the end of the line")?;
        self.topo.group_users.push(GroupUser {
            kind,
            id,
            groups,
            scope: Scope::default(),
            origin,
        });
        Ok(())
    }

    fn expect(&mut self, mut c: Cur<'_, '_>, kw: &Token<'_>) -> PResult<()> {
        let origin = c.origin(kw);
        let verdict = c.word("allow or deny")?;
        let allow = match verdict.raw {
            "allow" => true,
            "deny" => false,
            _ => return Err(c.err_at(Some(verdict), "allow or deny")),
        };
        const EP: &str = "an endpoint (an IP, a CIDR, internet, or an instance, ENI or group id)";
        let from = c.text(EP)?;
        if !c.eat("->") {
            return Err(c.expected("`->` between the two endpoints"));
        }
        let to = c.text(EP)?;
        let spec = c.word("a port spec PORT[/PROTO] such as 443/tcp, 53/udp or 8/icmp")?;
        let (protocol, l4) = port_spec(spec.raw).map_err(|(s, e, expected)| {
            let found = format!("\"{}\"", &spec.raw[s..e]);
            c.err_span(spec.start + s, spec.start + e, expected, found)
        })?;
        c.end("the end of the expectation")?;
        self.topo.expectations.push(Expectation {
            allow,
            from,
            to,
            protocol,
            l4,
            origin,
        });
        Ok(())
    }
}

fn peer_keyword(dir: Direction) -> &'static str {
    match dir {
        Direction::Ingress => "from",
        Direction::Egress => "to",
    }
}

/// `8GiB` → 8 (nom: digits then `GiB`).
fn size_gib(w: &str) -> Option<u64> {
    use nom::Parser;
    use nom::bytes::complete::tag;
    use nom::character::complete::digit1;
    use nom::combinator::{all_consuming, map_res};
    use nom::sequence::terminated;
    all_consuming(map_res(
        terminated(digit1::<&str, nom::error::Error<&str>>, tag("GiB")),
        str::parse::<u64>,
    ))
    .parse(w)
    .ok()
    .map(|(_, n)| n)
}

/// `PORT[/PROTO]` → protocol and L4. Errors give a byte span inside `w` and what was
/// expected there.
pub(crate) fn port_spec(w: &str) -> Result<(Protocol, L4), (usize, usize, &'static str)> {
    let (left, proto) = match w.rsplit_once('/') {
        Some((l, p)) => {
            let proto = p
                .parse::<Protocol>()
                .map_err(|e| (l.len() + 1, w.len(), e.expected))?;
            (l, proto)
        }
        None => (w, Protocol::Tcp),
    };
    let err = |e: ValueError| (0, left.len(), e.expected);
    let l4 = if proto.has_ports() {
        L4::Ports(left.parse::<PortRange>().map_err(err)?)
    } else if proto.is_icmp() {
        L4::Icmp(left.parse::<IcmpMatch>().map_err(err)?)
    } else if left == "all" || left == "any" {
        L4::Any
    } else {
        return Err((
            0,
            left.len(),
            "`all` (this protocol has no ports: write all/PROTO)",
        ));
    };
    Ok((proto, L4::normalize(proto, l4)))
}
