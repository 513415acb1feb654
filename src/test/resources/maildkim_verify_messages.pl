# Asks Mail::DKIM (Debian's libmail-dkim-perl, an independent RFC 6376 implementation) to verify
# every DKIM-Signature of each message, asking for keys only the DNS server on 127.0.0.1:PORT.
# Reads one message a line, base64-encoded, on stdin; prints, a line per message, each signature's
# "selector=result" (pass, fail, invalid, ...), in order. Test fixture only.
use strict;
use warnings;

use MIME::Base64;
use Mail::DKIM::DNS;
use Mail::DKIM::Verifier;
use FindBin;
use lib $FindBin::Bin;
use LoopbackResolver;

my ($port) = @ARGV;
Mail::DKIM::DNS::resolver(
    LoopbackResolver->new($port)
);
$| = 1;
while (my $line = <STDIN>) {
    chomp $line;
    my $message = decode_base64($line);
    my $verifier = Mail::DKIM::Verifier->new();
    $verifier->PRINT($message);
    $verifier->CLOSE;
    my @results = map { $_->selector . '=' . $_->result } $verifier->signatures;
    print((@results ? join(' ', @results) : 'none'), "\n");
}
