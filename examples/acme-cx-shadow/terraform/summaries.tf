# An Azure OpenAI resource for summaries, added beside the declared acme-cx-oai-swc.
resource "azurerm_cognitive_account" "summaries" {
  name                          = "acme-cx-oai-sum"
  location                      = "swedencentral"
  resource_group_name           = "acme-cx-prod"
  kind                          = "OpenAI"
  sku_name                      = "S0"
  custom_subdomain_name         = "acme-cx-oai-sum"
  public_network_access_enabled = false
  local_auth_enabled            = false
}

resource "azurerm_cognitive_deployment" "summaries" {
  name                 = "gpt-4o-mini-summaries"
  cognitive_account_id = azurerm_cognitive_account.summaries.id
  model {
    format  = "OpenAI"
    name    = "gpt-4o-mini"
    version = "2024-07-18"
  }
  sku {
    name = "DataZoneStandard"
  }
}
