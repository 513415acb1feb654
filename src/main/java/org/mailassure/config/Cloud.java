package org.mailassure.config;

/**
 * The Microsoft clouds Graph runs in, each with its own login authority, Graph host and Exchange
 * Online host (used for the SMTP XOAUTH2 token scope). Hosts from Microsoft's "National cloud
 * deployments" page for Graph.
 */
public enum Cloud implements ConfigNamed {
  GLOBAL(
      "global",
      "https://login.microsoftonline.com/",
      "https://graph.microsoft.com",
      "https://outlook.office365.com"),
  US_GOV(
      "us-gov",
      "https://login.microsoftonline.us/",
      "https://graph.microsoft.us",
      "https://outlook.office365.us"),
  US_GOV_DOD(
      "us-gov-dod",
      "https://login.microsoftonline.us/",
      "https://dod-graph.microsoft.us",
      "https://outlook-dod.office365.us"),
  CHINA(
      "china",
      "https://login.chinacloudapi.cn/",
      "https://microsoftgraph.chinacloudapi.cn",
      "https://partner.outlook.cn");

  private final String configName;
  private final String authority;
  private final String graphHost;
  private final String exchangeHost;

  Cloud(String configName, String authority, String graphHost, String exchangeHost) {
    this.configName = configName;
    this.authority = authority;
    this.graphHost = graphHost;
    this.exchangeHost = exchangeHost;
  }

  @Override
  public String configName() {
    return configName;
  }

  public String authority() {
    return authority;
  }

  public String graphHost() {
    return graphHost;
  }

  /** The scope of a Graph application token in this cloud. */
  public String graphScope() {
    return graphHost + "/.default";
  }

  /** The scope of a token for SMTP AUTH XOAUTH2 to Exchange Online in this cloud. */
  public String smtpScope() {
    return exchangeHost + "/.default";
  }
}
