/**
 * Key and certificate material shared by the config loader, the probe and readiness: PKCS#8 DKIM
 * keys, PEM trust anchors, and why a TLS handshake refused a certificate. Depends on nothing else
 * in mailassure.
 */
package org.mailassure.keys;
