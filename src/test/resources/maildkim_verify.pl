# Asks Mail::DKIM (Debian's libmail-dkim-perl, an independent RFC 6376 implementation) whether a
# message it signs with the given private key for each domain (selector s1) verifies against the
# key record that the DNS server on 127.0.0.1:PORT, and nowhere else, serves at
# s1._domainkey.DOMAIN. Reads one domain a line on stdin; prints "pass" or "fail" and a tab and
# Mail::DKIM's detail a line, in order. Test fixture only.
use strict;
use warnings;

use Mail::DKIM::DNS;
use Mail::DKIM::Signer;
use Mail::DKIM::Verifier;
use FindBin;
use lib $FindBin::Bin;
use LoopbackResolver;

my ($key_file, $port) = @ARGV;
Mail::DKIM::DNS::resolver(
    LoopbackResolver->new($port)
);
$| = 1;
while (my $domain = <STDIN>) {
    chomp $domain;
    my @message = (
        "From: probe\@$domain\r\n", "To: check\@example.org\r\n",
        "Subject: key record check\r\n", "\r\n", "hello\r\n",
    );
    my $signer = Mail::DKIM::Signer->new(
        Algorithm => 'rsa-sha256',
        Method    => 'relaxed',
        Domain    => $domain,
        Selector  => 's1',
        KeyFile   => $key_file,
        Headers   => 'from:to:subject',
    );
    $signer->PRINT($_) for @message;
    $signer->CLOSE;
    my $verifier = Mail::DKIM::Verifier->new();
    $verifier->PRINT($signer->signature->as_string . "\r\n");
    $verifier->PRINT($_) for @message;
    $verifier->CLOSE;
    # "pass" or "fail", then Mail::DKIM's own words, which the test shows when it disagrees.
    (my $detail = $verifier->result_detail) =~ s/\s+/ /g;
    print(($verifier->result eq 'pass' ? 'pass' : 'fail'), "\t$detail\n");
}
