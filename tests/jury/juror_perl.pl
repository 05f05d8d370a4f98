#!/usr/bin/perl
# juror_perl.pl - the Perl MIME-tools juror (libmime-tools-perl) of the
# reader jury: for each message file named on the command line, one JSON
# line per leaf part MIME::Parser extracts, with its recommended file name
# and the SHA-256 of its decoded bytes.  Everything stays in memory.
use strict;
use warnings;
use Digest::SHA qw(sha256_hex);
use JSON::PP;
use MIME::Parser;

my $json = JSON::PP->new->canonical->ascii;
for my $f (@ARGV) {
	my $p = MIME::Parser->new;
	$p->output_to_core(1);
	$p->tmp_to_core(1);
	$p->decode_headers(0);
	$p->extract_nested_messages(1);
	$p->extract_uuencode(1);
	my $e = eval { $p->parse_open($f) };
	if (!$e) {
		print $json->encode({ file => $f, juror => "perl",
		    error => "$@" }), "\n";
		next;
	}
	for my $part ($e->parts_DFS) {
		next if $part->parts;
		my $b = $part->bodyhandle;
		my $d = $b ? $b->as_string : "";
		my $n = $part->head->recommended_filename;
		(my $dn = $d) =~ s/\r\n/\n/g;
		$dn =~ s/[\r\n \t]+\z//;
		my $raw = length($dn) < 65536 ? $dn : undef;
		print $json->encode({ file => $f, juror => "perl",
		    type => lc($part->mime_type),
		    raw => defined $raw ? unpack("H*", $raw) : undef,
		    names => [ defined $n ? $n : () ],
		    size => length($d), sha256 => sha256_hex($d),
		    sha256n => sha256_hex($dn),
		    bytes => length($d) > 0 ? 1 : 0 }), "\n";
	}
}
