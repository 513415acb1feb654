package org.mailassure.config;

import java.net.URI;

/**
 * How to reach Microsoft Graph: tenant, national cloud, optional endpoint override and the
 * credential. Immutable.
 */
public record GraphSettings(String tenantId, Cloud cloud, URI baseUrl, GraphAuth auth) {

  /** The Graph endpoint to call: {@code base-url} when set, else the cloud's v1.0 endpoint. */
  public URI endpoint() {
    return baseUrl != null ? baseUrl : URI.create(cloud.graphHost() + "/v1.0");
  }
}
