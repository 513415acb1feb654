# Asks Mail::SPF (Debian's libmail-spf-perl, the Perl reference implementation of SPF) for
# check_host() of each domain, for mail from the given client address, against the DNS server on
# 127.0.0.1:PORT and nowhere else. Prints "domain<TAB>result" a line. Test fixture only.
use strict;
use warnings;

use Mail::SPF;
use FindBin;
use lib $FindBin::Bin;
use LoopbackResolver;

my ($port, $ip, @domains) = @ARGV;
my $resolver = LoopbackResolver->new($port);
# TXT only, as RFC 7208 section 3.1 has it ("SPF records MUST be published as a DNS TXT (type 16)
# Resource Record"); the limits are section 4.6.4's.
my $server = Mail::SPF::Server->new(
    dns_resolver          => $resolver,
    query_rr_types        => Mail::SPF::Server->query_rr_type_txt,
    max_dns_interactive_terms => 10,
    max_void_dns_lookups  => 2,
);
$| = 1;
for my $domain (@domains) {
    my $request = Mail::SPF::Request->new(
        scope         => 'mfrom',
        identity      => "postmaster\@$domain",
        ip_address    => $ip,
        # %{h}, as pyspf_check.py and mailassure give it: the domain itself.
        helo_identity => $domain,
    );
    # Net::DNS dies on a name it cannot ask (an empty label); that is no SPF result, and is
    # printed as what it is.
    my $code = eval { $server->process($request)->code };
    if (!defined $code) {
        (my $why = $@) =~ s/\s+/ /g;
        $code = "died: $why";
    }
    print "$domain\t$code\n";
}
