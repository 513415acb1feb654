/**
 * Key and certificate material shared by the config loader and the probe: PKCS#8 DKIM keys and PEM
 * trust anchors. Depends on nothing else in mailassure.
 */
package org.mailassure.keys;
