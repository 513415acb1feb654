# Reads each zone-file line on stdin with Net::DNS (Debian's libnet-dns-perl), as a name server's
# zone parser would, and prints, a line per record: its owner, TTL, class, type, the number of
# character-strings, the longest one's length, and their text joined, base64-encoded (tab
# separated). Test fixture only.
use strict;
use warnings;

use MIME::Base64;
use Net::DNS::RR;

while (my $line = <STDIN>) {
    chomp $line;
    my $rr = Net::DNS::RR->new($line);
    my @strings = $rr->txtdata;
    my ($longest) = sort { $b <=> $a } map { length } @strings;
    print join("\t", $rr->owner, $rr->ttl, $rr->class, $rr->type, scalar(@strings), $longest,
        encode_base64(join('', @strings), '')), "\n";
}
