# The Net::DNS resolver the Perl helper scripts ask: only the DNS server on 127.0.0.1:PORT, never
# the system's (no resolv.conf, no search list). Test fixture only.
package LoopbackResolver;

use strict;
use warnings;

use Net::DNS::Resolver;

sub new {
    my ($class, $port) = @_;
    return Net::DNS::Resolver->new(
        config_file => '/dev/null',
        nameservers => ['127.0.0.1'],
        port        => $port,
        searchlist  => [],
        defnames    => 0,
        dnsrch      => 0,
        retry       => 1,
        udp_timeout => 5,
        tcp_timeout => 5,
    );
}

1;
