output "settings" {
  description = "The settings with every default filled in, as the composites see them."
  value       = var.settings
}
