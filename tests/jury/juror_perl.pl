#!/usr/bin/perl
# juror_perl.pl FILE... - a juror of the reader jury (issue 11): Perl's
# MIME-tools (MIME::Parser, libmime-tools-perl), the parser of amavis,
# MIMEDefang and many filters, as they run it: bodies decoded to files in
# a temporary folder, nested messages opened, uuencoded files in text
# parts extracted.  For every leaf entity it prints one JSON line:
#   {"juror":"perl-mime-tools","file":..,"type":..,"declared":..,
#    "names":[..],"sha256":..,"sha256n":..,"size":..}
# declared: the Content-Type field as given (null if none).  A text part
# holding uuencoded or BinHex files is cut by MIME-tools into the text
# before the first file and the files; that text leaf says "piece":true.
# "alt": the hashes of the bytes without a final "=" that MIME-tools keeps
# of a quoted-printable soft break before the delimiter.
# names: recommended_filename and the Content-Disposition filename and
# Content-Type name parameters (below); sha256n as in inspect.h (CRLF as LF, trailing white
# space dropped).
#
# The message is read as a mail store keeps it: a leading mbox "From "
# line dropped, CRLF as LF.  An argument "@LIST" reads file names from
# LIST, one a line.
use strict;
use warnings;
use Digest::SHA qw(sha256_hex);
use File::Temp qw(tempdir);
use JSON::PP;
use MIME::Parser;

my $json = JSON::PP->new->ascii->canonical;
my $tmp = tempdir("jury-perl-XXXXXX", TMPDIR => 1, CLEANUP => 1);

sub stored {
	my ($data) = @_;
	$data =~ s/\AFrom [^\n]*\n//;
	$data =~ s/\r\n/\n/g;
	return $data;
}

sub norm {
	my ($b) = @_;
	$b =~ s/\r+\n/\n/g;
	$b =~ s/[\r\n \t]+\z//;
	return $b;
}

# The names of a part: recommended_filename (RFC 2047 words decoded by
# MIME::WordDecoder, as a MIME-tools program shows it) and the parameters
# as MIME::Field::ParamVal gives them (RFC 2231 sections joined, and
# re-encoded as an RFC 2047 word when they carry a charset).
sub names_of {
	my ($head) = @_;
	my @out;
	my %seen;
	for my $v ($head->recommended_filename,
	    $head->mime_attr("content-disposition.filename"),
	    $head->mime_attr("content-type.name")) {
		next if !defined $v || $v !~ /\S/;
		push @out, $v if !$seen{$v}++;
	}
	return \@out;
}

# Did MIME-tools make this multipart out of a text part holding
# uuencoded or BinHex files (extract_uuencode)?
sub from_legacy {
	my ($ent) = @_;
	my $pre = join("", @{ $ent->preamble || [] });
	return $pre =~ /which was extracted\nfrom a \w+-encoded message/;
}

sub walk {
	my ($path, $ent, $legacy) = @_;
	my @parts = $ent->parts;
	if (@parts) {
		my $l = from_legacy($ent);
		walk($path, $_, $l) for @parts;
		return;
	}
	my $bh = $ent->bodyhandle;
	my $body = $bh ? $bh->as_string : "";
	$body = "" if !defined $body;
	utf8::encode($body) if utf8::is_utf8($body);
	my %rec = (juror => "perl-mime-tools", file => $path,
	    type => lc($ent->head->mime_type // ""),
	    declared => scalar($ent->head->get("content-type", 0)),
	    names => names_of($ent->head),
	    sha256 => sha256_hex($body),
	    sha256n => sha256_hex(norm($body)),
	    size => length($body));
	# A quoted-printable body ending in a soft break before the
	# delimiter: MIME-tools drops the line end first and keeps the "="
	# as data; the bytes without it are offered too.
	if (lc($ent->head->mime_encoding // "") eq "quoted-printable" &&
	    $body =~ /=\z/) {
		(my $cut = $body) =~ s/=\z//;
		$rec{alt} = [sha256_hex($cut), sha256_hex(norm($cut))];
	}
	# The text around the files: a piece of the part, not a part.
	$rec{piece} = JSON::PP::true
	    if $legacy && !defined $ent->head->get("content-type", 0);
	print $json->encode(\%rec), "\n";
}

sub judge {
	my ($path) = @_;
	my $fh;
	if (!open($fh, "<:raw", $path)) {
		print $json->encode({ juror => "perl-mime-tools",
		    file => $path, error => "$!" }), "\n";
		return;
	}
	my $data = do { local $/; <$fh> };
	close($fh);
	$data = stored($data);
	my $p = MIME::Parser->new;
	my $dir = tempdir(DIR => $tmp, CLEANUP => 1);
	$p->output_under($dir);
	$p->decode_headers(0);
	$p->extract_nested_messages(1);
	$p->extract_uuencode(1);
	$p->ignore_errors(1);
	my $e = eval { $p->parse_data($data) };
	if (!$e) {
		print $json->encode({ juror => "perl-mime-tools",
		    file => $path, error => "$@" }), "\n";
		$p->filer->purge if $p->filer;
		return;
	}
	walk($path, $e, 0);
	$e->purge;
	$p->filer->purge;
}

my @files;
for my $a (@ARGV) {
	if ($a =~ /^@(.*)/) {
		open(my $l, "<", $1) or die "$1: $!\n";
		while (my $line = <$l>) {
			chomp $line;
			push @files, $line if $line ne "";
		}
		close($l);
	} else {
		push @files, $a;
	}
}
judge($_) for @files;
